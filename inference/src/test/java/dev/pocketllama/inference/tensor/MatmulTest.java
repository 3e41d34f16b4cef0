package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A prompt chunk's product gives, bit for bit, what one matrix-vector product per token gives. */
class MatmulTest {
    private static KernelPool pool;

    @BeforeAll
    static void startPool() { pool = new KernelPool(2); }

    @AfterAll
    static void stopPool() { pool.close(); }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K"})
    void everyTokenGetsExactlyItsMatrixVectorProduct(GgmlType type) {
        Random random = new Random(type.id());
        int rows = 301;
        int columns = 512;
        WeightMatrix m = KernelTwinTest.randomMatrix(type, rows, columns, random);
        int tokens = 7; // a group of four and a remainder of three
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
            for (int r = 0; r < rows; r++) assertEquals(expected[r], outs[t][r], type + " token " + t + " row " + r);
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
