package dev.pocketllama.inference.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The dedicated, fixed pool that runs matrix-vector work: the caller and {@code threads - 1} named daemon workers
 * take contiguous chunks of rows from a shared counter, so every thread streams its own parts of the weights and a
 * thread slowed by another process on the machine does not hold the others up.
 *
 * <p>A product is a few hundred microseconds, so a fork-join per product would cost more than the work: workers
 * wait for the next one by spinning briefly and then parking, and the caller publishes work with one volatile write
 * and waits for the last chunk the same way; a worker that has not woken yet simply finds no rows left. One caller
 * at a time (calls are serialised), and nothing is allocated per call.
 */
public final class KernelPool implements AutoCloseable {

    /** Work over rows {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** How long a waiting thread spins before it parks or yields: a little more than the gap between products. */
    private static final long SPIN_NANOS = 200_000;
    /** Chunks per thread: enough for a slowed thread's share to be taken over, few enough to keep rows contiguous. */
    private static final int CHUNKS_PER_THREAD = 8;
    private static final int MIN_CHUNK = 16;

    private final int threads;
    private final Worker[] workers;
    private final RowProducts rowProducts = new RowProducts();
    private final RowsTimesInputs rowsTimesInputs = new RowsTimesInputs();
    private final GroupsTimesInputs groupsTimesInputs = new GroupsTimesInputs();
    private final PrepareInputs prepareInputs = new PrepareInputs();
    /** The one input and output of {@link #groupsTimesInput}, as the batched call takes them. */
    private final Activation[] oneInput = new Activation[1];
    private final float[][] oneOutput = new float[1][];

    /*
     * The current job. Its rows are claimed through one atomic word holding the generation (high half) and the next
     * unclaimed row (low half): a claim only succeeds while its generation is current, so a worker that wakes late
     * can never run an old task on a new job's rows. Between jobs the word holds the next generation with every row
     * claimed, and is only opened after task, count and chunk are written (volatile, so no claim reads them early).
     */
    private volatile RangeTask task;
    private volatile int count;
    private volatile int chunk;
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger rowsDone = new AtomicInteger();
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean closed;

    public KernelPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("pocketllama-kernel-" + (i + 1));
            workers[i].thread.start();
        }
    }

    /** A pool using every core. */
    public static KernelPool forAllCores() { return new KernelPool(Runtime.getRuntime().availableProcessors()); }

    public int threads() { return threads; }

    /** Runs {@code task} over {@code [0, count)} in contiguous chunks on every thread; returns when all are done. */
    public void forRanges(int count, RangeTask task) { forRanges(count, MIN_CHUNK, task); }

    /** {@link #forRanges(int, RangeTask)} in chunks of at least {@code minChunk} (and on the caller alone up to that many). */
    public synchronized void forRanges(int count, int minChunk, RangeTask task) {
        if (threads == 1 || count <= minChunk) {
            task.run(0, count);
            return;
        }
        if (closed) throw new IllegalStateException("the kernel pool is closed");
        long next = generation + 1;
        claims.set(next << 32 | Integer.MAX_VALUE);
        this.task = task;
        this.count = count;
        this.chunk = Math.max(minChunk, count / (threads * CHUNKS_PER_THREAD));
        this.failure = null;
        rowsDone.set(0);
        claims.set(next << 32);
        generation = next;
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w.thread);
        runChunks(next);
        awaitRows(count);
        this.task = null;
        Throwable failed = failure;
        if (failed != null) throw new IllegalStateException("a kernel thread failed", failed);
    }

    /** {@code out[r] = m.dot(r, x)} for every row, without allocating. */
    synchronized void rowProducts(WeightMatrix m, Activation x, float[] out) {
        rowProducts.set(m, x, out);
        try {
            forRanges(m.rows(), rowProducts);
        } finally {
            rowProducts.set(null, null, null);
        }
    }

    /** {@code out[b][r] = m.dot(r, x[b])} for every row and the first {@code count} inputs, without allocating. */
    synchronized void rowsTimesInputs(WeightMatrix m, Activation[] x, float[][] out, int count) {
        rowsTimesInputs.set(m, x, out, count);
        try {
            forRanges(m.rows(), rowsTimesInputs);
        } finally {
            rowsTimesInputs.set(null, null, null, 0);
        }
    }

    /** Encodes each of the first {@code count} inputs for {@code m}'s kernel, inputs split over threads, without allocating. */
    synchronized void prepareInputs(WeightMatrix m, Activation[] x, int count) {
        prepareInputs.set(m, x);
        try {
            forRanges(count, 1, prepareInputs);
        } finally {
            prepareInputs.set(null, null);
        }
    }

    /**
     * {@code out[r] = row r · x} through a row-group kernel, over groups (a group of rows is already a few
     * microseconds of work); on the caller alone if {@code small}.
     */
    synchronized void groupsTimesInput(RowGroupKernel kernel, int groups, Activation x, float[] out, boolean small) {
        oneInput[0] = x;
        oneOutput[0] = out;
        try {
            groupsTimesInputs(kernel, groups, oneInput, oneOutput, 1, small);
        } finally {
            oneInput[0] = null;
            oneOutput[0] = null;
        }
    }

    /** The batched {@link #groupsTimesInput}: {@code out[b][r] = row r · x[b]} for the first {@code count} inputs. */
    synchronized void groupsTimesInputs(RowGroupKernel kernel, int groups, Activation[] x, float[][] out, int count, boolean small) {
        groupsTimesInputs.set(kernel, x, out, count);
        try {
            if (small) groupsTimesInputs.run(0, groups);
            else forRanges(groups, 1, groupsTimesInputs);
        } finally {
            groupsTimesInputs.set(null, null, null, 0);
        }
    }

    /** Claims and runs chunks of generation {@code g} until none are left; a failure is recorded, its rows count as done. */
    private void runChunks(long g) {
        while (true) {
            long c = claims.get();
            RangeTask t = task;
            int n = count;
            int size = chunk;
            int from = (int) c;
            if (c >>> 32 != g || from >= n) return;
            if (!claims.compareAndSet(c, c + size)) continue;
            int to = Math.min(n, from + size);
            try {
                t.run(from, to);
            } catch (Throwable e) {
                failure = e;
            } finally {
                rowsDone.addAndGet(to - from);
            }
        }
    }

    /** Spins while the last chunks finish, then yields the core to the threads running them (the machine may be busy). */
    private void awaitRows(int n) {
        long start = 0;
        while (rowsDone.get() != n) {
            if (start == 0) start = System.nanoTime();
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    /** A worker thread: waits for the next generation and takes chunks of it until none are left. */
    private final class Worker implements Runnable {
        final Thread thread;
        volatile boolean parked;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitGeneration(seen);
                if (closed) return;
                runChunks(seen);
            }
        }

        /** Spins for a while on the generation counter, then parks until the caller unparks it. */
        private long awaitGeneration(long seen) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // the caller reads parked after writing generation, so one of the two sees the other's write
                    if (generation == seen && !closed) LockSupport.park(this);
                    parked = false;
                }
            }
            return generation;
        }
    }

    /** The reusable task of {@link #rowProducts}: one dot product per row. */
    private static final class RowProducts implements RangeTask {
        private WeightMatrix matrix;
        private Activation input;
        private float[] out;

        void set(WeightMatrix matrix, Activation input, float[] out) {
            this.matrix = matrix;
            this.input = input;
            this.out = out;
        }

        @Override
        public void run(int from, int to) {
            for (int r = from; r < to; r++) out[r] = matrix.dot(r, input);
        }
    }

    /** The reusable task of {@link #rowsTimesInputs}. */
    private static final class RowsTimesInputs implements RangeTask {
        private WeightMatrix matrix;
        private Activation[] inputs;
        private float[][] outs;
        private int count;

        void set(WeightMatrix matrix, Activation[] inputs, float[][] outs, int count) {
            this.matrix = matrix;
            this.inputs = inputs;
            this.outs = outs;
            this.count = count;
        }

        @Override
        public void run(int from, int to) { matrix.rowsTimesInputs(from, to, inputs, outs, count); }
    }

    /** The reusable task of {@link #prepareInputs}. */
    private static final class PrepareInputs implements RangeTask {
        private WeightMatrix matrix;
        private Activation[] inputs;

        void set(WeightMatrix matrix, Activation[] inputs) {
            this.matrix = matrix;
            this.inputs = inputs;
        }

        @Override
        public void run(int from, int to) {
            for (int b = from; b < to; b++) matrix.prepare(inputs[b]);
        }
    }

    /** The reusable task of {@link #groupsTimesInputs}. */
    private static final class GroupsTimesInputs implements RangeTask {
        private RowGroupKernel kernel;
        private Activation[] inputs;
        private float[][] outs;
        private int count;

        void set(RowGroupKernel kernel, Activation[] inputs, float[][] outs, int count) {
            this.kernel = kernel;
            this.inputs = inputs;
            this.outs = outs;
            this.count = count;
        }

        @Override
        public void run(int from, int to) { kernel.groupsTimesInputs(from, to, inputs, outs, count); }
    }
}
