package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.INTS;
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

    private static final int BLOCK_BYTES = GgmlType.Q4_K.blockBytes();

    Q4_KMatrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q4_K, true, 128);
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

    /** The mins' part of a super-block's dot: the input's group sums carry it, so it costs 8 multiplies. */
    private float minsTerm(long block, Q8_KInput x, int b) {
        int sum = 0;
        for (int j = 0; j < 8; j++) {
            int g = b * (BLOCK / Q8_KInput.GROUP) + 2 * j;
            sum += min(data, block, j) * (x.groupSums[g] + x.groupSums[g + 1]);
        }
        return Vectors.f16(data, block + 2) * x.scales[b] * sum;
    }

    /**
     * Per super-block: the eight 6-bit scales and mins unpacked at once into the bytes of two longs (llama.cpp's
     * mask-and-shift of the 12 packed bytes); each 32 nibble bytes hold two sub-blocks (low and high nibbles) whose
     * integer dots stay in 16 bits (15 * 127 * 32 / lanes fits), are widened, multiplied by their scales and summed
     * in ints; the mins come from the input's group sums. One loop in one method (the kernels are split no further,
     * and every vector stays in registers).
     */
    @Override
    public float dot(int row, Activation x) {
        Q8_KInput in = x.q8_K();
        short[] q = in.quants;
        long block = rowOffset(row);
        float sum = 0;
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += BLOCK_BYTES) {
            long scales = packedScales(block);
            long mins = packedMins(block);
            IntVector acc = IntVector.zero(INTS);
            for (int j = 0; j < 4; j++) {
                long qs = block + QS + SUB * j;
                int qAt = at + 64 * j;
                ShortVector low = ShortVector.zero(SHORTS_PER_INTS);
                ShortVector high = ShortVector.zero(SHORTS_PER_INTS);
                for (int c = 0; c < SUB; c += LANES) {
                    ShortVector nibbles = bytesAsShorts(data, qs + c);
                    low = low.add(nibbles.and((short) 0x0F).mul(quants(q, qAt + c)));
                    high = high.add(nibbles.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).mul(quants(q, qAt + SUB + c)));
                }
                acc = acc.add(Vectors.widen(low).mul(unpacked(scales, 2 * j)))
                        .add(Vectors.widen(high).mul(unpacked(scales, 2 * j + 1)));
            }
            int minSum = 0;
            int g = b * (BLOCK / Q8_KInput.GROUP);
            for (int j = 0; j < 8; j++, g += 2) minSum += unpacked(mins, j) * (in.groupSums[g] + in.groupSums[g + 1]);
            sum += Vectors.f16(data, block) * in.scales[b] * acc.reduceLanes(VectorOperators.ADD)
                    - Vectors.f16(data, block + 2) * in.scales[b] * minSum;
        }
        return sum;
    }

    @Override
    void unpackRow(int row, float[] values, int valuesAt, float[] d, float[] dmin, int[] mins, int blocksAt) {
        long block = rowOffset(row);
        for (int b = 0, at = valuesAt; b < columns / BLOCK; b++, at += BLOCK, block += BLOCK_BYTES) {
            d[blocksAt + b] = Vectors.f16(data, block);
            dmin[blocksAt + b] = Vectors.f16(data, block + 2);
            long packedScales = packedScales(block);
            long packedMins = packedMins(block);
            for (int j = 0; j < 8; j++) mins[(blocksAt + b) * 8 + j] = unpacked(packedMins, j);
            for (int j = 0; j < 4; j++) {
                int low = unpacked(packedScales, 2 * j);
                int high = unpacked(packedScales, 2 * j + 1);
                for (int c = 0; c < SUB; c += LANES) {
                    ShortVector nibbles = bytesAsShorts(data, block + QS + SUB * j + c);
                    Vectors.shortsAsFloats(nibbles.and((short) 0x0F).mul((short) low), values, at + 64 * j + c);
                    Vectors.shortsAsFloats(nibbles.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).mul((short) high),
                            values, at + 64 * j + SUB + c);
                }
            }
        }
    }

    /**
     * The eight 6-bit scales of the super-block at byte {@code block}, one per byte of a long: llama.cpp's
     * mask-and-shift of the 12 packed bytes, done on two words at once.
     */
    private long packedScales(long block) {
        long low8 = data.get(Vectors.LONG, block + SCALES);
        long high4 = data.get(Vectors.INT, block + SCALES + 8) & 0xFFFFFFFFL;
        return low8 & 0x3F3F3F3FL | ((high4 & 0x0F0F0F0FL) | (low8 >>> 6 & 0x03030303L) << 4) << 32;
    }

    /** The eight 6-bit mins, packed as {@link #packedScales}. */
    private long packedMins(long block) {
        long low8 = data.get(Vectors.LONG, block + SCALES);
        long high4 = data.get(Vectors.INT, block + SCALES + 8) & 0xFFFFFFFFL;
        return low8 >>> 32 & 0x3F3F3F3FL | ((high4 >>> 4 & 0x0F0F0F0FL) | (low8 >>> 38 & 0x03030303L) << 4) << 32;
    }

    /** Byte {@code j} of {@code packed}. */
    private static int unpacked(long packed, int j) { return (int) (packed >>> 8 * j) & 0xFF; }

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
