package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
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
 * Q4_0 weights: blocks of an F16 scale {@code d} then 16 bytes whose low nibbles are values 0..15 and high nibbles
 * values 16..31; value = d * (nibble - 8).
 */
final class Q4_0Matrix extends Q8InputMatrix {
    private static final int HALF = BLOCK / 2;

    Q4_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q4_0);
    }

    /**
     * Per block, the whole integer dot stays in 16 bits (|nibble - 8| * 127 * 32 values fits), widened once; the
     * nibbles' offset of 8 comes from the input's precomputed corrections, one addition per step.
     */
    @Override
    public float dot(int row, Activation x) {
        short[] q = x.q8_0Quants();
        short[] minusEight = x.q8_0MinusEightSums();
        float[] scales = x.q8_0Scales();
        long block = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS_PER_INTS);
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += blockBytes) {
            ShortVector sum = ShortVector.zero(SHORTS_PER_INTS);
            for (int c = 0; c < HALF; c += LANES) {
                ShortVector packed = bytesAsShorts(data, block + 2 + c);
                ShortVector low = packed.and((short) 0x0F);
                ShortVector high = packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F);
                sum = sum.add(low.mul(quants(q, at + c)).add(high.mul(quants(q, at + HALF + c)))
                        .add(quants(minusEight, b * HALF + c)));
            }
            acc = Vectors.fma(Vectors.widen(sum), Vectors.f16(data, block) * scales[b], acc);
        }
        return Vectors.sum(acc);
    }

    /** Each block's nibbles are unpacked once for both inputs; the same arithmetic as {@link #dot} for each. */
    @Override
    void dot2(int row, Activation x, Activation y, float[] xOut, float[] yOut) {
        short[] qx = x.q8_0Quants();
        short[] qy = y.q8_0Quants();
        short[] mx = x.q8_0MinusEightSums();
        short[] my = y.q8_0MinusEightSums();
        float[] sx = x.q8_0Scales();
        float[] sy = y.q8_0Scales();
        long block = rowOffset(row);
        FloatVector accX = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector accY = accX;
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += blockBytes) {
            ShortVector sumX = ShortVector.zero(SHORTS_PER_INTS);
            ShortVector sumY = sumX;
            for (int c = 0; c < HALF; c += LANES) {
                ShortVector packed = bytesAsShorts(data, block + 2 + c);
                ShortVector low = packed.and((short) 0x0F);
                ShortVector high = packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F);
                sumX = sumX.add(low.mul(quants(qx, at + c)).add(high.mul(quants(qx, at + HALF + c)))
                        .add(quants(mx, b * HALF + c)));
                sumY = sumY.add(low.mul(quants(qy, at + c)).add(high.mul(quants(qy, at + HALF + c)))
                        .add(quants(my, b * HALF + c)));
            }
            float d = Vectors.f16(data, block);
            accX = Vectors.fma(Vectors.widen(sumX), d * sx[b], accX);
            accY = Vectors.fma(Vectors.widen(sumY), d * sy[b], accY);
        }
        xOut[row] = Vectors.sum(accX);
        yOut[row] = Vectors.sum(accY);
    }

    @Override
    void unpackRow(int row, float[] values, int valuesAt, float[] scales, int scalesAt) {
        long block = rowOffset(row);
        for (int b = 0, at = valuesAt; b < columns / BLOCK; b++, at += BLOCK, block += blockBytes) {
            scales[scalesAt + b] = Vectors.f16(data, block);
            for (int c = 0; c < HALF; c += LANES) {
                ByteVector packed = Vectors.bytes(data, block + 2 + c);
                Vectors.bytesAsFloats(packed.and((byte) 0x0F), 8, values, at + c);
                Vectors.bytesAsFloats(packed.lanewise(VectorOperators.LSHR, 4), 8, values, at + HALF + c);
            }
        }
    }

    @Override
    int blockDotScalar(long block, short[] q, int at) {
        int dot = 0;
        for (int i = 0; i < HALF; i++) {
            int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xFF;
            dot += ((packed & 0x0F) - 8) * q[at + i] + ((packed >>> 4) - 8) * q[at + HALF + i];
        }
        return dot;
    }

    @Override
    void dequantizeBlock(long block, float d, float[] out, int at) {
        for (int i = 0; i < HALF; i++) {
            int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xFF;
            out[at + i] = d * ((packed & 0x0F) - 8);
            out[at + HALF + i] = d * ((packed >>> 4) - 8);
        }
    }
}
