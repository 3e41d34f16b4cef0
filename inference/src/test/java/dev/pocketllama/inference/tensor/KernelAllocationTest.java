package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every generation kernel gets compiled by C2. Until then each of its vector operations is an object: interpreted or
 * C1-compiled, one call of each kernel per group allocates megabytes (4.9 MB measured). Q4_K's two-input kernel once
 * grew too large for C1, which gave up on it, and C2 never compiled it: two conversations at once generated 1.3
 * tokens a second on the 110M shape instead of 140. So each kernel runs until a round allocates less than
 * {@value #COMPILED_BYTES} bytes, or a minute passes. Compiled kernels allocate nothing in the engine (measured by
 * hand, BENCHMARKS.md), but here, after the other tests, some of the Q4_K kernels' Vector API calls run their Java
 * fallbacks (about 100 KB a round): whether C2 applies an intrinsic depends on what else the JVM has run.
 */
class KernelAllocationTest {
    private static final long COMPILED_BYTES = 1 << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q5_0", "Q8_0", "Q4_K", "Q6_K"})
    void everyGroupKernelGetsCompiled(GgmlType type) {
        Random random = new Random(type.id());
        int columns = 1024;
        var m = (RowGroupKernel) KernelTwinTest.randomMatrix(type, 2 * RowGroupKernel.ROWS - 3, columns, random);
        Activation x = activation(columns, random);
        Activation y = activation(columns, random);
        float[] xOut = new float[2 * RowGroupKernel.ROWS]; // whole groups, as the kernels store them
        float[] yOut = new float[2 * RowGroupKernel.ROWS];
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long allocated;
        do {
            for (int i = 0; i < 2000; i++) {
                m.groupTimesOne(i % 2, x, xOut);
                m.groupTimesTwo(i % 2, x, y, xOut, yOut);
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int g = 0; g < 2; g++) {
                m.groupTimesOne(g, x, xOut);
                m.groupTimesTwo(g, x, y, xOut, yOut);
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        } while (allocated >= COMPILED_BYTES && System.nanoTime() < deadline);
        assertTrue(allocated < COMPILED_BYTES, type + " kernels still allocate " + allocated + " bytes a round after a minute");
    }

    /** An input with its encodings made, as a matrix product prepares it before the kernels run. */
    private static Activation activation(int columns, Random random) {
        float[] values = new float[columns];
        for (int i = 0; i < columns; i++) values[i] = (float) random.nextGaussian();
        Activation a = Activation.of(values);
        a.q8_0Quants();
        a.q8_K();
        return a;
    }
}
