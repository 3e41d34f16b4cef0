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
 * Q5_0 weights: blocks of an F16 scale {@code d}, a 32-bit word {@code qh} whose bit i is the fifth bit of value i,
 * then 16 bytes whose low nibbles are the low bits of values 0..15 and high nibbles those of 16..31;
 * value = d * (five-bit quant - 16). llama.cpp's Q4_K_M falls back to it where rows do not divide into 256-blocks.
 */
final class Q5_0Matrix extends Q8InputMatrix {
    private static final int HALF = BLOCK / 2;
    private static final int QH = 2;
    private static final int QS = 6;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final IntVector LANE_INDEX = IntVector.zero(INTS).addIndex(1);

    Q5_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q5_0);
    }

    private int highBits(long block) { return data.get(INT, block + QH); }

    @Override
    int blockDot(long block, int[] q, int at) {
        IntVector qh = IntVector.broadcast(INTS, highBits(block));
        IntVector acc = IntVector.zero(INTS);
        for (int c = 0; c < HALF; c += INTS.length()) {
            ByteVector packed = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + QS + c, LE);
            IntVector lowNibbles = widen(packed.and((byte) 0x0F));
            IntVector highNibbles = widen(packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F));
            IntVector low = lowNibbles.or(fifthBits(qh, c)).sub(16);
            IntVector high = highNibbles.or(fifthBits(qh, HALF + c)).sub(16);
            acc = acc.add(low.mul(IntVector.fromArray(INTS, q, at + c)))
                    .add(high.mul(IntVector.fromArray(INTS, q, at + HALF + c)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Bits {@code first ..} of {@code qh}, one per lane, moved to bit 4. */
    private static IntVector fifthBits(IntVector qh, int first) {
        return qh.lanewise(VectorOperators.LSHR, LANE_INDEX.add(first)).and(1).lanewise(VectorOperators.LSHL, 4);
    }

    private static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0);
    }

    @Override
    int blockDotScalar(long block, int[] q, int at) {
        int qh = highBits(block);
        int dot = 0;
        for (int i = 0; i < HALF; i++) {
            dot += quant(block, qh, i) * q[at + i] + quant(block, qh, HALF + i) * q[at + HALF + i];
        }
        return dot;
    }

    /** Value {@code i} of the block, -16..15. */
    private int quant(long block, int qh, int i) {
        int packed = data.get(ValueLayout.JAVA_BYTE, block + QS + i % HALF) & 0xFF;
        int nibble = i < HALF ? packed & 0x0F : packed >>> 4;
        return (nibble | ((qh >>> i) & 1) << 4) - 16;
    }

    @Override
    void dequantizeBlock(long block, float d, float[] out, int at) {
        int qh = highBits(block);
        for (int i = 0; i < BLOCK; i++) out[at + i] = quant(block, qh, i) * d;
    }
}
