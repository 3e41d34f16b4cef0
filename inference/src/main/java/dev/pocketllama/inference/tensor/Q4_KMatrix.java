package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.SHORTS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.bytesAsShorts;
import static dev.pocketllama.inference.tensor.Vectors.quants;

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
        long packed = data.get(Vectors.LONG, block + SCALES);
        int packedHigh = data.get(Vectors.INT, block + SCALES + 8);
        int sum = 0;
        for (int j = 0; j < 8; j++) {
            int g = b * (BLOCK / Q8_KInput.GROUP) + 2 * j;
            sum += min(packed, packedHigh, j) * (x.groupSums[g] + x.groupSums[g + 1]);
        }
        return Vectors.f16(data, block + 2) * x.scales[b] * sum;
    }

    /** Byte {@code k} of the 12 scale bytes, read as one long (bytes 0..7) and one int (8..11). */
    private static int scaleByte(long packed, int packedHigh, int k) {
        return (int) (k < 8 ? packed >>> 8 * k : packedHigh >>> 8 * (k - 8)) & 0xFF;
    }

    private static int scale(long packed, int packedHigh, int j) {
        return j < 4 ? scaleByte(packed, packedHigh, j) & 63
                : (scaleByte(packed, packedHigh, j + 4) & 0x0F) | (scaleByte(packed, packedHigh, j - 4) >>> 6) << 4;
    }

    private static int min(long packed, int packedHigh, int j) {
        return j < 4 ? scaleByte(packed, packedHigh, j + 4) & 63
                : (scaleByte(packed, packedHigh, j + 4) >>> 4) | (scaleByte(packed, packedHigh, j) >>> 6) << 4;
    }

    /**
     * Each 32 bytes hold two sub-blocks (low and high nibbles), dotted by {@link #pairDot}; the super-block is summed
     * in ints and scaled once.
     */
    @Override
    float blockDot(long block, Q8_KInput x, int b) {
        long packed = data.get(Vectors.LONG, block + SCALES);
        int packedHigh = data.get(Vectors.INT, block + SCALES + 8);
        int at = b * BLOCK;
        int sumi = 0;
        for (int j = 0; j < 4; j++) {
            sumi += pairDot(block + QS + SUB * j, x.quants, at + 64 * j,
                    scale(packed, packedHigh, 2 * j), scale(packed, packedHigh, 2 * j + 1));
        }
        return Vectors.f16(data, block) * x.scales[b] * sumi - minsTerm(block, x, b);
    }

    /**
     * The 64 values of 32 nibble bytes at {@code qs} dotted with the input from {@code at}, each half times its 6-bit
     * scale. Each half's products stay in 16 bits (15 * 127 * 32 / lanes fits) until widened. A method of its own,
     * returning an int, so the JIT compiles it whole (one method with every step of a super-block inlined exceeds
     * the inlining budget and falls back to boxed vectors).
     */
    private int pairDot(long qs, short[] q, int at, int lowScale, int highScale) {
        ShortVector low = ShortVector.zero(SHORTS_PER_INTS);
        ShortVector high = ShortVector.zero(SHORTS_PER_INTS);
        for (int c = 0; c < SUB; c += LANES) {
            ShortVector nibbles = bytesAsShorts(data, qs + c);
            low = low.add(nibbles.and((short) 0x0F).mul(quants(q, at + c)));
            high = high.add(nibbles.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).mul(quants(q, at + SUB + c)));
        }
        return Vectors.widen(low).mul(lowScale).add(Vectors.widen(high).mul(highScale)).reduceLanes(VectorOperators.ADD);
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
