package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.llama.Batch;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Runs a model's three kinds of steps, in turn, until the JIT has compiled the kernels, so that the first user's reply
 * does not pay for it: single rows (decode), batches of four (replies decoded together: the pair kernels, and with
 * the single rows both ways past a batch's check for an odd row out, since a way the warm-up never took is compiled
 * as never taken and costs a recompilation when first taken) and large ones (prompt chunks: the tiles, from 8 to 32
 * inputs by type). At least three of each, then until the last of each kind is within a quarter of its best and the
 * JIT spent less than {@value #JIT_QUIET_MILLIS} ms compiling during the last three steps (a kernel takes tens to
 * hundreds), or {@link #BUDGET_NANOS} after the first step. Speed alone is not enough: steps of kernels not compiled
 * yet can be steadily slow, and a warm-up that stopped on speed left the first reply five times slower than later ones.
 *
 * <p>One step at a time ({@link #advance}), so that the scheduler can run it while it has no job and stop for one
 * that arrives; or all at once ({@link #run}). Not thread-safe: one thread steps it, on the model's own batch.
 */
final class WarmUp {
    /** The longest warm-up: a slow machine may not settle, and the model must still come up. */
    static final long BUDGET_NANOS = 10_000_000_000L;
    private static final long JIT_QUIET_MILLIS = 10;

    private final Transformer transformer;
    private final Batch batch;
    private final int[] kinds;
    /** The warm-up's own sequence (a KV cache of up to 132 positions), let go when it finishes. */
    private Sequence sequence;
    private final int token;
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
    private final long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    private final boolean[] settled = new boolean[3];
    /** Compilation milliseconds after the last four steps, the latest last. */
    private final long[] jitTimes = {-1, -1, -1, -1};
    private long start;
    private int step;
    private volatile boolean finished;

    WarmUp(Transformer transformer, Batch batch, int context, int token) {
        this.transformer = transformer;
        this.batch = batch;
        int limit = Math.min(batch.capacity(), context);
        this.kinds = new int[] {1, Math.min(limit, 4), Math.min(limit, 33)};
        this.sequence = transformer.newSequence(Math.min(context, 4 * kinds[2]));
        this.token = token;
    }

    /** Whether the kernels are warm (or the budget ran out). */
    boolean finished() { return finished; }

    /** Ends the warm-up: done, or given up where it is. */
    void end() {
        finished = true;
        sequence = null;
    }

    /** Steps until finished, reporting each step's share of the budget. */
    void run(LoadProgressListener progress) {
        while (advance()) progress.onProgress("warming up", Math.min(1, (double) (System.nanoTime() - start) / BUDGET_NANOS));
    }

    /** Runs one more step unless finished: false when there was none to run. Leaves the batch empty. */
    boolean advance() {
        if (finished) return false;
        if (step == 0) start = System.nanoTime();
        int kind = step % kinds.length;
        int rows = kinds[kind];
        if (sequence.length() + rows > sequence.capacity()) sequence.reset();
        batch.clear();
        for (int i = 0; i < rows; i++) batch.add(sequence, token, i == rows - 1);
        long t0 = System.nanoTime();
        try {
            transformer.forward(batch);
        } finally {
            batch.clear();
        }
        long took = System.nanoTime() - t0;
        settled[kind] = best[kind] != Long.MAX_VALUE && took <= best[kind] + best[kind] / 4;
        best[kind] = Math.min(best[kind], took);
        if (jitTimed) {
            System.arraycopy(jitTimes, 1, jitTimes, 0, 3);
            jitTimes[3] = jit.getTotalCompilationTime();
        }
        boolean jitQuiet = !jitTimed || jitTimes[0] >= 0 && jitTimes[3] - jitTimes[0] < JIT_QUIET_MILLIS;
        boolean allSettled = settled[0] && settled[1] && settled[2];
        step++;
        if (step >= 3 * kinds.length && allSettled && jitQuiet || System.nanoTime() - start > BUDGET_NANOS) end();
        return true;
    }
}
