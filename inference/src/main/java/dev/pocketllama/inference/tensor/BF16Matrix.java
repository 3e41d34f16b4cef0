package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LE;
import static dev.pocketllama.inference.tensor.Vectors.SHORT;
import static dev.pocketllama.inference.tensor.Vectors.SHORTS_PER_INTS;

/**
 * BF16 weights (the top 16 bits of a float), multiplied as llama.cpp's CPU backend does: its vec_dot_type for BF16 is
 * BF16, so the input is rounded to BF16 too and the products are summed in float.
 */
final class BF16Matrix extends WeightMatrix {

    BF16Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.BF16);
    }

    /** {@code value} rounded to the nearest BF16, ties to even, NaN forced quiet (ggml_compute_fp32_to_bf16). */
    static float round(float value) {
        int bits = Float.floatToRawIntBits(value);
        int rounded = (bits & 0x7FFFFFFF) > 0x7F800000
                ? (bits >>> 16 | 64) << 16
                : (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16 << 16;
        return Float.intBitsToFloat(rounded);
    }

    private float weight(long base, int i) { return Float.intBitsToFloat(data.get(SHORT, base + 2L * i) << 16); }

    @Override
    public GgmlType type() { return GgmlType.BF16; }

    @Override
    protected void prepare(Activation x) { x.bf16(); }

    @Override
    public float dot(int row, Activation x) {
        float[] v = x.bf16();
        long base = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS_PER_INTS);
        int i = 0;
        for (int end = INTS.loopBound(columns); i < end; i += INTS.length()) {
            ShortVector halves = ShortVector.fromMemorySegment(SHORTS_PER_INTS, data, base + 2L * i, LE);
            FloatVector w = ((IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = w.fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i), acc);
        }
        float sum = Vectors.sum(acc);
        for (; i < columns; i++) sum += weight(base, i) * v[i];
        return sum;
    }

    @Override
    public float dotScalar(int row, Activation x) {
        float[] v = x.bf16();
        long base = rowOffset(row);
        float sum = 0;
        for (int i = 0; i < columns; i++) sum += weight(base, i) * v[i];
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int i = 0; i < columns; i++) out[offset + i] = weight(base, i);
    }
}
