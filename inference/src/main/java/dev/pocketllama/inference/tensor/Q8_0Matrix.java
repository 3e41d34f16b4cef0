package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.bytesAsShorts;
import static dev.pocketllama.inference.tensor.Vectors.quants;

/** Q8_0 weights: blocks of an F16 scale {@code d} then 32 int8 quants; value = d * q. */
final class Q8_0Matrix extends Q8InputMatrix {

    Q8_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q8_0);
    }

    /**
     * Per block, products of two steps are summed in 16 bits (|w| <= 128 and |x| <= 127, so two fit), widened to
     * ints, and added into float lanes with the block's two scales.
     */
    @Override
    public float dot(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long block = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS_PER_INTS);
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += blockBytes) {
            IntVector sum = IntVector.zero(INTS);
            for (int c = 0; c < BLOCK; c += 2 * LANES) {
                ShortVector pairs = bytesAsShorts(data, block + 2 + c).mul(quants(q, at + c))
                        .add(bytesAsShorts(data, block + 2 + c + LANES).mul(quants(q, at + c + LANES)));
                sum = sum.add(Vectors.widen(pairs));
            }
            acc = Vectors.fma(sum, Vectors.f16(data, block) * scales[b], acc);
        }
        return Vectors.sum(acc);
    }

    /** Each block's weights are loaded and widened once for both inputs; the same arithmetic as {@link #dot} for each. */
    @Override
    void dot2(int row, Activation x, Activation y, float[] xOut, float[] yOut) {
        short[] qx = x.q8_0Quants();
        short[] qy = y.q8_0Quants();
        float[] sx = x.q8_0Scales();
        float[] sy = y.q8_0Scales();
        long block = rowOffset(row);
        FloatVector accX = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector accY = accX;
        for (int b = 0, at = 0; at < columns; b++, at += BLOCK, block += blockBytes) {
            IntVector sumX = IntVector.zero(INTS);
            IntVector sumY = sumX;
            for (int c = 0; c < BLOCK; c += 2 * LANES) {
                ShortVector w0 = bytesAsShorts(data, block + 2 + c);
                ShortVector w1 = bytesAsShorts(data, block + 2 + c + LANES);
                sumX = sumX.add(Vectors.widen(w0.mul(quants(qx, at + c)).add(w1.mul(quants(qx, at + c + LANES)))));
                sumY = sumY.add(Vectors.widen(w0.mul(quants(qy, at + c)).add(w1.mul(quants(qy, at + c + LANES)))));
            }
            float d = Vectors.f16(data, block);
            accX = Vectors.fma(sumX, d * sx[b], accX);
            accY = Vectors.fma(sumY, d * sy[b], accY);
        }
        xOut[row] = Vectors.sum(accX);
        yOut[row] = Vectors.sum(accY);
    }

    @Override
    void unpackRow(int row, float[] values, int valuesAt, float[] scales, int scalesAt) {
        long block = rowOffset(row);
        for (int b = 0, at = valuesAt; b < columns / BLOCK; b++, at += BLOCK, block += blockBytes) {
            scales[scalesAt + b] = Vectors.f16(data, block);
            for (int c = 0; c < BLOCK; c += LANES) Vectors.bytesAsFloats(Vectors.bytes(data, block + 2 + c), 0, values, at + c);
        }
    }

    @Override
    int blockDotScalar(long block, short[] q, int at) {
        int dot = 0;
        for (int i = 0; i < BLOCK; i++) dot += data.get(ValueLayout.JAVA_BYTE, block + 2 + i) * q[at + i];
        return dot;
    }

    @Override
    void dequantizeBlock(long block, float d, float[] out, int at) {
        for (int i = 0; i < BLOCK; i++) out[at + i] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
    }
}
