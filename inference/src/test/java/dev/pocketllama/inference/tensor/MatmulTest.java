package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A prompt chunk's product gives what one matrix-vector product per token gives, bit for bit; row-group kernels give
 * their scalar twin's products bit for bit at every batch size, 301 rows leaving a partial group and, for 32-value
 * blocks, 608 columns a partial tile.
 */
class MatmulTest {
    private static KernelPool pool;

    @BeforeAll
    static void startPool() { pool = new KernelPool(2); }

    @AfterAll
    static void stopPool() { pool.close(); }

    /**
     * Batch sizes around the kernels' groupings: one input, pairs and odd ones out, past each type's start of float
     * tiles (8 to 32 inputs), passes of four with one left over, and more inputs than one slice of the tiles takes.
     */
    static Stream<Arguments> typesAndBatches() {
        return Stream.of("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K").flatMap(type ->
                IntStream.of(1, 2, 3, 7, 8, 16, 21, 41, 133).mapToObj(tokens -> Arguments.of(GgmlType.valueOf(type), tokens)));
    }

    @ParameterizedTest(name = "{0} x {1} tokens")
    @MethodSource("typesAndBatches")
    void everyTokenGetsExactlyItsMatrixVectorProduct(GgmlType type, int tokens) {
        Random random = new Random(type.id() * 100L + tokens);
        int rows = 301;
        int columns = type.blockSize() == 256 ? 512 : 608;
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

    /**
     * Every weight and input quant at its largest magnitude, all of one sign: a 32-value segment's sum is then as
     * far from zero as it gets (for Q6_K, 128 * 32 * 127 * 32, within a float's exact integers), and the batched
     * products must still be the scalar twin's.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K"})
    void theLargestProductsStayExact(GgmlType type) {
        int rows = 40;
        int columns = 512;
        byte[] block = largestBlock(type);
        byte[] bytes = new byte[(int) type.byteSize((long) rows * columns)];
        for (int at = 0; at < bytes.length; at += block.length) System.arraycopy(block, 0, bytes, at, block.length);
        WeightMatrix m = WeightMatrix.of(new GgufTensorInfo("w", type, new long[] {columns, rows}, 0), MemorySegment.ofArray(bytes), "test");
        int tokens = 33; // float tiles for every type, the last pass of four holding one input
        Activation[] xs = new Activation[tokens];
        for (int t = 0; t < tokens; t++) {
            float[] x = new float[columns];
            Arrays.fill(x, t % 2 == 0 ? 1f : -3f);
            xs[t] = Activation.of(x);
        }
        float[][] outs = new float[tokens][rows];
        m.matmul(xs, outs, tokens, pool);
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) assertEquals(m.dotScalar(r, xs[t]), outs[t][r], type + " token " + t + " row " + r);
        }
    }

    /** One block of {@code type} whose values all have the type's largest magnitude, under a small F16 scale. */
    private static byte[] largestBlock(GgmlType type) {
        ByteBuffer b = ByteBuffer.allocate(type.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
        short d = Float.floatToFloat16(0.01f);
        switch (type) {
            case Q8_0 -> {
                b.putShort(d);
                while (b.hasRemaining()) b.put((byte) -128);
            }
            case Q4_0, Q5_0 -> b.putShort(d); // nibbles (and Q5_0's fifth bits) 0: values -8 and -16
            case Q4_K -> {
                b.putShort(d).putShort(d);
                while (b.hasRemaining()) b.put((byte) -1); // every 6-bit scale and min 63, every nibble 15
            }
            case Q6_K -> {
                b.position(192); // quants 0: values -32
                for (int i = 0; i < 16; i++) b.put((byte) -128);
                b.putShort(d);
            }
            default -> throw new IllegalArgumentException(type.toString());
        }
        return b.array();
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
