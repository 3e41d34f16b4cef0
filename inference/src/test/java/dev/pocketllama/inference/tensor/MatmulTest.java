package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A prompt chunk's product gives what one matrix-vector product per token gives, bit for bit; row-group kernels give
 * their scalar twin's products bit for bit at every batch size, 301 rows leaving a partial group.
 */
class MatmulTest {
    private static KernelPool pool;

    @BeforeAll
    static void startPool() { pool = new KernelPool(2); }

    @AfterAll
    static void stopPool() { pool.close(); }

    /** Batch sizes around the kernels' groupings: one input, pairs and odd ones out. */
    static Stream<Arguments> typesAndBatches() {
        return Stream.of("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K").flatMap(type ->
                IntStream.of(1, 2, 3, 7, 8, 16, 21, 40).mapToObj(tokens -> Arguments.of(GgmlType.valueOf(type), tokens)));
    }

    @ParameterizedTest(name = "{0} x {1} tokens")
    @MethodSource("typesAndBatches")
    void everyTokenGetsExactlyItsMatrixVectorProduct(GgmlType type, int tokens) {
        Random random = new Random(type.id() * 100L + tokens);
        int rows = 301;
        int columns = 512;
        WeightMatrix m = KernelTwinTest.randomMatrix(type, rows, columns, random);
        Activation[] xs = new Activation[tokens];
        float[][] outs = new float[tokens][rows];
        for (int t = 0; t < tokens; t++) {
            float[] x = new float[columns];
            for (int i = 0; i < columns; i++) x[i] = (float) random.nextGaussian();
            xs[t] = Activation.of(x);
        }
        m.matmul(xs, outs, tokens, pool);
        for (int t = 0; t < tokens; t++) {
            float[] expected = new float[rows];
            m.matvec(xs[t], expected, pool);
            for (int r = 0; r < rows; r++) {
                String where = type + " token " + t + " row " + r;
                if (m instanceof RowGroupKernel) {
                    assertEquals(m.dotScalar(r, xs[t]), outs[t][r], where);
                    assertEquals(expected[r], outs[t][r], where);
                } else {
                    assertEquals(expected[r], outs[t][r], where);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0"})
    void mismatchedShapesAreRefusedWithTheMatrixName(GgmlType type) {
        WeightMatrix m = KernelTwinTest.randomMatrix(type, 4, 64, new Random(1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.matmul(new Activation[] {new Activation(32)}, new float[1][4], 1, pool));
        assertEquals("w: input has 32 values, rows have 64", e.getMessage());
    }
}
