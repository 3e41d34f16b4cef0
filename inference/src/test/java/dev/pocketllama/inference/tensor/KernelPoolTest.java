package dev.pocketllama.inference.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

class KernelPoolTest {

    @Test
    void everyIndexRunsOnceInContiguousRangesOnTheCallerOrNamedThreads() {
        try (KernelPool pool = new KernelPool(3)) {
            String caller = Thread.currentThread().getName();
            for (int round = 0; round < 200; round++) {
                int count = 1 + round * 7;
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                var threads = ConcurrentHashMap.<String>newKeySet();
                pool.forRanges(count, (from, to) -> {
                    assertTrue(from < to, from + ".." + to);
                    threads.add(Thread.currentThread().getName());
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < count; i++) assertEquals(1, hits.get(i), "index " + i + " of " + count);
                threads.remove(caller);
                assertTrue(threads.stream().allMatch(n -> n.startsWith("pocketllama-kernel-")), threads.toString());
            }
        }
    }

    @Test
    void workersTakeTheirShareOfLongWork() {
        try (KernelPool pool = new KernelPool(2)) {
            var threads = ConcurrentHashMap.<String>newKeySet();
            for (int round = 0; round < 50 && threads.size() < 2; round++) {
                pool.forRanges(64, (from, to) -> {
                    threads.add(Thread.currentThread().getName());
                    LockSupport.parkNanos(1_000_000);
                });
            }
            assertTrue(threads.contains("pocketllama-kernel-1"), threads.toString());
        }
    }

    @Test
    void parkedWorkersWakeForTheNextJob() {
        try (KernelPool pool = new KernelPool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            for (int round = 0; round < 3; round++) {
                LockSupport.parkNanos(5_000_000); // longer than the workers spin: they park
                pool.forRanges(1000, (from, to) -> { for (int i = from; i < to; i++) hits.incrementAndGet(i); });
            }
            for (int i = 0; i < 1000; i++) assertEquals(3, hits.get(i));
        }
    }

    @Test
    void matvecOnThePoolEqualsRowByRowDots() {
        // large enough to be split over the threads
        WeightMatrix m = KernelTwinTest.randomMatrix(dev.pocketllama.inference.gguf.GgmlType.Q4_0, 1037, 128, new Random(1));
        float[] x = new float[128];
        for (int i = 0; i < 128; i++) x[i] = i - 30;
        Activation a = Activation.of(x);
        float[] out = new float[1037];
        try (KernelPool pool = new KernelPool(2)) {
            m.matvec(a, out, pool);
        }
        for (int r = 0; r < 1037; r++) assertEquals(m.dot(r, a), out[r]);
    }

    @Test
    void aFailingRangeIsReported() {
        try (KernelPool pool = new KernelPool(2)) {
            assertThrows(IllegalStateException.class, () -> pool.forRanges(1000, (from, to) -> {
                if (from > 0) throw new ArithmeticException("boom");
            }));
        }
    }
}
