package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The input encodings of Q4_K/Q6_K (Q8_K) and BF16, and the cases and random blocks with which {@link KernelTwinTest}
 * holds the Q5_0, Q4_K, Q6_K and BF16 kernels to their scalar twins.
 */
class NewFormatsKernelTwinTest {

    static Stream<Arguments> cases() {
        int lanes = Vectors.INTS.length();
        return Stream.of(
                arguments(GgmlType.Q5_0, 32), arguments(GgmlType.Q5_0, 64), arguments(GgmlType.Q5_0, 32 * 23),
                arguments(GgmlType.Q4_K, 256), arguments(GgmlType.Q4_K, 512), arguments(GgmlType.Q4_K, 256 * 3),
                arguments(GgmlType.Q6_K, 256), arguments(GgmlType.Q6_K, 256 * 3),
                arguments(GgmlType.BF16, 3), arguments(GgmlType.BF16, lanes * 4), arguments(GgmlType.BF16, lanes * 4 + 1),
                arguments(GgmlType.BF16, 172), arguments(GgmlType.BF16, 1001));
    }

    @Test
    void q8_KMapsTheLargestMagnitudeToMinus127AndSumsEachGroup() {
        float[] x = new float[256];
        x[0] = 2.54f;
        x[1] = -1.27f;
        x[20] = 0.5f;
        Q8_KInput q = Activation.of(x).q8_K();
        assertEquals(-127, q.quants[0]);
        assertEquals(64, q.quants[1], "-1.27 * -127 / 2.54 = 63.5 rounds to the even 64");
        assertEquals(-25, q.quants[20], "0.5 * -50 = -25");
        assertEquals(2.54f / -127f, q.scales[0], 1e-9f);
        assertEquals(-127 + 64, q.groupSums[0]);
        assertEquals(-25, q.groupSums[1]);
    }

    @Test
    void bf16RoundsToNearestEven() {
        float halfway = Float.intBitsToFloat(0x3F808000); // exactly between two BF16 values, lower one even
        assertEquals(Float.intBitsToFloat(0x3F800000), BF16Matrix.round(halfway));
        assertEquals(Float.intBitsToFloat(0x3F820000), BF16Matrix.round(Float.intBitsToFloat(0x3F818000)));
        assertEquals(Float.intBitsToFloat(0x3F810000), BF16Matrix.round(Float.intBitsToFloat(0x3F808001)));
        assertEquals(true, Float.isNaN(BF16Matrix.round(Float.NaN)));
    }

    static float[] dequantizedQ8_K(Activation a) {
        Q8_KInput q = a.q8_K();
        float[] out = new float[a.length()];
        for (int i = 0; i < out.length; i++) out[i] = q.quants[i] * q.scales[i / 256];
        return out;
    }

    /** Random blocks: random quant bytes, small positive F16 scales where the format has them. */
    static WeightMatrix randomMatrix(GgmlType type, int rows, int columns, Random random) {
        ByteBuffer b = ByteBuffer.allocate((int) type.byteSize((long) rows * columns)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            switch (type) {
                case BF16 -> b.putShort((short) (Float.floatToIntBits((float) random.nextGaussian()) >>> 16));
                case Q5_0 -> {
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.05f));
                    randomBytes(b, 20, random);
                }
                case Q4_K -> {
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.01f));
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.01f));
                    randomBytes(b, 140, random);
                }
                case Q6_K -> {
                    randomBytes(b, 208, random);
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.001f));
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        var info = new GgufTensorInfo("w", type, new long[] {columns, rows}, 0);
        return WeightMatrix.of(info, MemorySegment.ofArray(b.array()), "test");
    }

    private static void randomBytes(ByteBuffer b, int n, Random random) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        b.put(bytes);
    }
}
