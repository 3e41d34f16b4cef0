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

    Q6_KMatrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q6_K);
        if (INTS.length() > GROUP) throw new IllegalStateException("Q6_K kernel assumes at most 16 int lanes");
    }

    private int scale(long block, int group) { return data.get(ValueLayout.JAVA_BYTE, block + SCALES + group); }

    /** The -32 offset of every quant, applied once per 16-value group through the input's group sums. */
    private int offsetTerm(long block, Q8_KInput x, int b) {
        int sum = 0;
        for (int g = 0; g < BLOCK / GROUP; g++) sum += scale(block, g) * x.groupSums[b * (BLOCK / GROUP) + g];
        return 32 * sum;
    }

    @Override
    float blockDot(long block, Q8_KInput x, int b) {
        IntVector acc = IntVector.zero(INTS);
        for (int half = 0; half < 2; half++) {
            long ql = block + 64L * half;
            long qh = block + QH + 32L * half;
            int at = b * BLOCK + 128 * half;
            for (int c = 0; c < 32; c += INTS.length()) {
                ByteVector low = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, ql + c, LE);
                ByteVector high = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, ql + 32 + c, LE);
                ByteVector bits = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, qh + c, LE);
                acc = acc.add(term(low.and((byte) 0x0F), bits, 0, x, at + c, block, 128 * half + c))
                        .add(term(high.and((byte) 0x0F), bits, 2, x, at + 32 + c, block, 128 * half + 32 + c))
                        .add(term(low.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F), bits, 4, x, at + 64 + c, block, 128 * half + 64 + c))
                        .add(term(high.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F), bits, 6, x, at + 96 + c, block, 128 * half + 96 + c));
            }
        }
        int sumi = acc.reduceLanes(VectorOperators.ADD) - offsetTerm(block, x, b);
        return Vectors.f16(data, block + D) * x.scales[b] * sumi;
    }

    /** Unsigned 6-bit quants (nibble plus two bits of qh from {@code shift}) times the input, times their group's scale. */
    private IntVector term(ByteVector nibbles, ByteVector qh, int shift, Q8_KInput x, int at, long block, int value) {
        ByteVector quants = nibbles.or(qh.lanewise(VectorOperators.LSHR, shift).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
        IntVector products = ((IntVector) quants.convertShape(VectorOperators.B2I, INTS, 0))
                .mul(IntVector.fromArray(INTS, x.quants, at));
        return products.mul(scale(block, value / GROUP));
    }

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
