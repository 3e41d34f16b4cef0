package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.BYTES_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LE;

/**
 * Q4_K weights: 256-value super-blocks of an F16 {@code d}, an F16 {@code dmin}, 12 bytes packing eight 6-bit
 * scales and eight 6-bit mins (one pair per 32 values), then 128 bytes of nibbles where each 32 bytes hold 64 values
 * (low nibbles the first 32, high nibbles the next); value = d * scale * nibble - dmin * min.
 */
final class Q4_KMatrix extends Q8_KInputMatrix {
    static final int SCALES = 4;
    static final int QS = 16;
    private static final int SUB = 32;

    Q4_KMatrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q4_K);
    }

    /** The 6-bit scale of sub-block {@code j} (0..7), from the packing llama.cpp calls get_scale_min_k4. */
    static int scale(MemorySegment data, long block, int j) {
        return j < 4 ? u8(data, block + SCALES + j) & 63
                : (u8(data, block + SCALES + j + 4) & 0x0F) | (u8(data, block + SCALES + j - 4) >>> 6) << 4;
    }

    /** The 6-bit min of sub-block {@code j}. */
    static int min(MemorySegment data, long block, int j) {
        return j < 4 ? u8(data, block + SCALES + j + 4) & 63
                : (u8(data, block + SCALES + j + 4) >>> 4) | (u8(data, block + SCALES + j) >>> 6) << 4;
    }

    private static int u8(MemorySegment data, long at) { return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF; }

    /** The mins' part of the dot: the input's group sums carry it, so it costs 8 multiplies per super-block. */
    private float minsTerm(long block, Q8_KInput x, int b) {
        int sum = 0;
        for (int j = 0; j < 8; j++) {
            int g = b * (BLOCK / Q8_KInput.GROUP) + 2 * j;
            sum += min(data, block, j) * (x.groupSums[g] + x.groupSums[g + 1]);
        }
        return Vectors.f16(data, block + 2) * x.scales[b] * sum;
    }

    @Override
    float blockDot(long block, Q8_KInput x, int b) {
        IntVector acc = IntVector.zero(INTS);
        int at = b * BLOCK;
        for (int j = 0; j < 4; j++) {
            int lowScale = scale(data, block, 2 * j);
            int highScale = scale(data, block, 2 * j + 1);
            IntVector low = IntVector.zero(INTS);
            IntVector high = IntVector.zero(INTS);
            for (int c = 0; c < SUB; c += INTS.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + QS + SUB * j + c, LE);
                low = low.add(widen(packed.and((byte) 0x0F)).mul(IntVector.fromArray(INTS, x.quants, at + 64 * j + c)));
                high = high.add(widen(packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F))
                        .mul(IntVector.fromArray(INTS, x.quants, at + 64 * j + SUB + c)));
            }
            acc = acc.add(low.mul(lowScale)).add(high.mul(highScale));
        }
        int sumi = acc.reduceLanes(VectorOperators.ADD);
        return Vectors.f16(data, block) * x.scales[b] * sumi - minsTerm(block, x, b);
    }

    private static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0);
    }

    @Override
    float blockDotScalar(long block, Q8_KInput x, int b) {
        int sumi = 0;
        for (int j = 0; j < 8; j++) {
            int dot = 0;
            for (int l = 0; l < SUB; l++) dot += nibble(block, j, l) * x.quants[b * BLOCK + SUB * j + l];
            sumi += scale(data, block, j) * dot;
        }
        return Vectors.f16(data, block) * x.scales[b] * sumi - minsTerm(block, x, b);
    }

    /** Nibble {@code l} of sub-block {@code j}: sub-blocks 2k and 2k+1 share 32 bytes, low and high nibbles. */
    private int nibble(long block, int j, int l) {
        int packed = u8(data, block + QS + SUB * (j / 2) + l);
        return j % 2 == 0 ? packed & 0x0F : packed >>> 4;
    }

    @Override
    void dequantizeBlock(long block, float[] out, int at) {
        float d = Vectors.f16(data, block);
        float dmin = Vectors.f16(data, block + 2);
        for (int j = 0; j < 8; j++) {
            float scale = d * scale(data, block, j);
            float min = dmin * min(data, block, j);
            for (int l = 0; l < SUB; l++) out[at + SUB * j + l] = scale * nibble(block, j, l) - min;
        }
    }
}
