package dev.pocketllama.inference.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

class KernelPoolTest {

    @Test
    void everyIndexRunsOnceInContiguousRangesOnNamedThreads() {
        try (KernelPool pool = new KernelPool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            var threads = ConcurrentHashMap.<String>newKeySet();
            pool.forRanges(10, (from, to) -> {
                threads.add(Thread.currentThread().getName());
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 10; i++) assertEquals(1, hits.get(i));
            assertTrue(threads.stream().filter(n -> n.startsWith("pocketllama-kernel-")).count() >= 1, threads.toString());
            pool.forRanges(2, (from, to) -> { for (int i = from; i < to; i++) hits.incrementAndGet(i); });
            assertEquals(2, hits.get(0));
        }
    }

    @Test
    void matvecOnThePoolEqualsRowByRowDots() {
        WeightMatrix m = KernelTwinTest.randomMatrix(dev.pocketllama.inference.gguf.GgmlType.Q4_0, 37, 64, new Random(1));
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) x[i] = i - 30;
        Activation a = Activation.of(x);
        float[] out = new float[37];
        try (KernelPool pool = new KernelPool(2)) {
            m.matvec(a, out, pool);
        }
        for (int r = 0; r < 37; r++) assertEquals(m.dot(r, a), out[r]);
    }

    @Test
    void aFailingRangeIsReported() {
        try (KernelPool pool = new KernelPool(2)) {
            assertThrows(IllegalStateException.class, () -> pool.forRanges(4, (from, to) -> {
                if (from > 0) throw new ArithmeticException("boom");
            }));
        }
    }
}
