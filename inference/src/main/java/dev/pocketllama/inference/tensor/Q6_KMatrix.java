package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.bytesAsShorts;
import static dev.pocketllama.inference.tensor.Vectors.quants;

/**
 * Q6_K weights: 256-value super-blocks of 128 bytes of low nibbles ({@code ql}), 64 bytes of 2-bit high parts
 * ({@code qh}), 16 int8 scales (one per 16 values) and an F16 {@code d}; value = d * scale * (6-bit quant - 32).
 * Each half of 128 values uses 64 {@code ql} bytes and 32 {@code qh} bytes: value l, l+32, l+64, l+96 take the low
 * nibble of ql[l], of ql[l+32], the high nibble of ql[l], of ql[l+32], and bits 0-1, 2-3, 4-5, 6-7 of qh[l].
 */
final class Q6_KMatrix extends Q8_KInputMatrix {
    static final int QH = 128;
    static final int SCALES = 192;
    static final int D = 208;
    private static final int GROUP = Q8_KInput.GROUP;

    private static final int BLOCK_BYTES = GgmlType.Q6_K.blockBytes();

    Q6_KMatrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q6_K, false, 32);
        if (INTS.length() > GROUP) throw new IllegalStateException("Q6_K kernel assumes at most 16 int lanes");
    }

    private int scale(long block, int group) { return data.get(ValueLayout.JAVA_BYTE, block + SCALES + group); }

    /**
     * Per super-block, its four quarters (two per half) in one loop: value l, l+32, l+64, l+96 of a half take the low
     * nibble of ql[l], of ql[l+32], the high nibble of ql[l], of ql[l+32]; each step of lanes lies in one 16-value
     * group, so its 16-bit products (63 * 127 fits) are widened and multiplied by that group's scale (the half's eight
     * read as one long) into one int vector, summed once per super-block. The -32 offset comes once per group, from
     * the input's group sums.
     */
    @Override
    public float dot(int row, Activation x) {
        Q8_KInput in = x.q8_K();
        short[] q = in.quants;
        long block = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++, block += BLOCK_BYTES) {
            IntVector acc = IntVector.zero(INTS);
            int offset = 0;
            for (int quarter = 0; quarter < 4; quarter++) {
                int half = quarter >> 1;
                int pair = quarter & 1;
                long scales = data.get(Vectors.LONG, block + SCALES + 8L * half);
                if (pair == 0) {
                    for (int g = 0; g < 8; g++) offset += groupScale(scales, g) * in.groupSums[b * (BLOCK / GROUP) + 8 * half + g];
                }
                long ql = block + 64L * half + 32L * pair;
                long qh = block + QH + 32L * half;
                int lowAt = b * BLOCK + 128 * half + 32 * pair;
                for (int c = 0; c < 32; c += LANES) {
                    ShortVector nibbles = bytesAsShorts(data, ql + c);
                    ShortVector bits = bytesAsShorts(data, qh + c);
                    ShortVector low = nibbles.and((short) 0x0F)
                            .or(bits.lanewise(VectorOperators.LSHL, 4 - 2 * pair).and((short) 0x30));
                    ShortVector high = nibbles.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F)
                            .or(bits.lanewise(VectorOperators.ASHR, 2 * pair).and((short) 0x30));
                    acc = acc.add(Vectors.widen(low.mul(quants(q, lowAt + c))).mul(groupScale(scales, (32 * pair + c) / GROUP)))
                            .add(Vectors.widen(high.mul(quants(q, lowAt + 64 + c))).mul(groupScale(scales, (64 + 32 * pair + c) / GROUP)));
                }
            }
            sum += Vectors.f16(data, block + D) * in.scales[b] * (acc.reduceLanes(VectorOperators.ADD) - 32 * offset);
        }
        return sum;
    }

    /** The int8 scale of group {@code g} (0..7) of a half, from its eight scales read as one long. */
    private static int groupScale(long scales, int g) { return (byte) (scales >>> 8 * g); }

    @Override
    float blockDotScalar(long block, Q8_KInput x, int b) {
        int sumi = 0;
        for (int g = 0; g < BLOCK / GROUP; g++) {
            int dot = 0;
            for (int i = g * GROUP; i < (g + 1) * GROUP; i++) dot += (quant(block, i) - 32) * x.quants[b * BLOCK + i];
            sumi += scale(block, g) * dot;
        }
        return Vectors.f16(data, block + D) * x.scales[b] * sumi;
    }

    @Override
    void unpackRow(int row, float[] values, int valuesAt, float[] d, float[] dmin, int[] mins, int blocksAt) {
        long block = rowOffset(row);
        for (int b = 0, at = valuesAt; b < columns / BLOCK; b++, at += BLOCK, block += BLOCK_BYTES) {
            d[blocksAt + b] = Vectors.f16(data, block + D);
            for (int half = 0; half < 2; half++) {
                for (int l = 0; l < 32; l += LANES) {
                    long ql = block + 64L * half + l;
                    long qh = block + QH + 32L * half + l;
                    int to = at + 128 * half + l;
                    // values l.., l+32.., l+64.., l+96.. of the half: groups 8 * half + (l + 32 * k) / 16
                    int group = 8 * half + l / GROUP;
                    sixBits(ql, 0, qh, 0, scale(block, group), values, to);
                    sixBits(ql + 32, 0, qh, 2, scale(block, group + 2), values, to + 32);
                    sixBits(ql, 4, qh, 4, scale(block, group + 4), values, to + 64);
                    sixBits(ql + 32, 4, qh, 6, scale(block, group + 6), values, to + 96);
                }
            }
        }
    }

    /**
     * The nibbles at {@code ql} (shifted down by {@code nibble}) with bits {@code bit, bit + 1} of the bytes at
     * {@code qh} on top, less 32, times {@code scale}, as floats into {@code values} (loads here, not vectors as
     * arguments, which the JIT would box if it did not inline this).
     */
    private void sixBits(long ql, int nibble, long qh, int bit, int scale, float[] values, int at) {
        ShortVector nibbles = bytesAsShorts(data, ql).lanewise(VectorOperators.ASHR, nibble).and((short) 0x0F);
        ShortVector quants = nibbles.or(bytesAsShorts(data, qh).lanewise(VectorOperators.ASHR, bit).and((short) 3)
                .lanewise(VectorOperators.LSHL, 4));
        ((FloatVector) quants.sub((short) 32).mul((short) scale).convertShape(VectorOperators.S2F, Vectors.FLOATS_PER_INTS, 0))
                .intoArray(values, at);
    }

    /** Unsigned 6-bit quant of value {@code i} (0..255). */
    private int quant(long block, int i) {
        int half = i / 128;
        int k = i % 128 / 32;
        int l = i % 32;
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 64L * half + l + (k % 2) * 32) & 0xFF;
        int nibble = k < 2 ? packed & 0x0F : packed >>> 4;
        int bits = (data.get(ValueLayout.JAVA_BYTE, block + QH + 32L * half + l) & 0xFF) >>> (2 * k) & 3;
        return nibble | bits << 4;
    }

    @Override
    void dequantizeBlock(long block, float[] out, int at) {
        float d = Vectors.f16(data, block + D);
        for (int i = 0; i < BLOCK; i++) out[at + i] = d * scale(block, i / GROUP) * (quant(block, i) - 32);
    }
}
