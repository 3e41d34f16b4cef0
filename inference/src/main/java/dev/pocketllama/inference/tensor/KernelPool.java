package dev.pocketllama.inference.tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dedicated, fixed pool that runs matrix-vector work: the caller and {@code threads - 1} named daemon workers
 * each take one contiguous range of rows, so every thread streams its own part of the weights.
 */
public final class KernelPool implements AutoCloseable {

    /** Work over rows {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService workers;

    public KernelPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        this.threads = threads;
        AtomicInteger counter = new AtomicInteger();
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "pocketllama-kernel-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A pool using every core. */
    public static KernelPool forAllCores() { return new KernelPool(Runtime.getRuntime().availableProcessors()); }

    public int threads() { return threads; }

    /** Runs {@code task} over {@code [0, count)} split into one contiguous range per thread; returns when all are done. */
    public void forRanges(int count, RangeTask task) {
        int parts = Math.min(threads, count);
        if (parts <= 1) {
            task.run(0, count);
            return;
        }
        CountDownLatch done = new CountDownLatch(parts - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            workers.execute(() -> {
                try {
                    task.run(from, to);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        task.run(0, (int) ((long) count / parts));
        awaitAll(done);
        if (failure.get() != null) throw new IllegalStateException("a kernel thread failed", failure.get());
    }

    /** Waits even when interrupted (the workers read the caller's buffers), then restores the interrupt flag. */
    private static void awaitAll(CountDownLatch done) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public void close() {
        if (workers != null) workers.shutdownNow();
    }
}
