package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.SHORTS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.bytesAsShorts;
import static dev.pocketllama.inference.tensor.Vectors.quants;

/**
 * Q5_0 weights: blocks of an F16 scale {@code d}, a 32-bit word {@code qh} whose bit i is the fifth bit of value i,
 * then 16 bytes whose low nibbles are the low bits of values 0..15 and high nibbles those of 16..31;
 * value = d * (five-bit quant - 16). llama.cpp's Q4_K_M falls back to it where rows do not divide into 256-blocks.
 */
final class Q5_0Matrix extends Q8InputMatrix {
    private static final int HALF = BLOCK / 2;
    private static final int QH = 2;
    private static final int QS = 6;
    private static final ShortVector LANE_INDEX = ShortVector.zero(SHORTS_PER_INTS).addIndex(1);

    Q5_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q5_0);
    }

    private int highBits(long block) { return data.get(Vectors.INT, block + QH); }

    @Override
    public float dot(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long block = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS_PER_INTS);
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += blockBytes) {
            int qh = highBits(block);
            ShortVector sum = ShortVector.zero(SHORTS_PER_INTS);
            for (int c = 0; c < HALF; c += LANES) {
                ShortVector packed = bytesAsShorts(data, block + QS + c);
                ShortVector low = packed.and((short) 0x0F).or(fifthBits(qh >>> c)).sub((short) 16);
                ShortVector high = packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F)
                        .or(fifthBits(qh >>> (HALF + c))).sub((short) 16);
                sum = sum.add(low.mul(quants(q, at + c))).add(high.mul(quants(q, at + HALF + c)));
            }
            acc = Vectors.fma(Vectors.widen(sum), Vectors.f16(data, block) * scales[b], acc);
        }
        return Vectors.sum(acc);
    }

    /** Bits 0.. of {@code bits}, one per lane, moved to bit 4. */
    private static ShortVector fifthBits(int bits) {
        return ShortVector.broadcast(SHORTS_PER_INTS, (short) bits).lanewise(VectorOperators.LSHR, LANE_INDEX)
                .and((short) 1).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    int blockDotScalar(long block, short[] q, int at) {
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
