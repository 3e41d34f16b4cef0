package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.FLOAT;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.LE;

/** F32 weights: plain little-endian floats, multiplied with the input as it is. */
final class F32Matrix extends WeightMatrix {

    F32Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.F32);
    }

    @Override
    public GgmlType type() { return GgmlType.F32; }

    @Override
    protected void prepare(Activation x) { }

    /**
     * In llama.cpp's order (ggml_vec_dot_f32): four accumulators over steps of four vectors, added pairwise, the
     * lanes summed by halves, and the values past the last whole step added in double.
     */
    @Override
    public float dot(int row, Activation x) {
        float[] v = x.values();
        long base = rowOffset(row);
        int lanes = FLOATS_PER_INTS.length();
        FloatVector s0 = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = 0;
        for (int end = columns - columns % (4 * lanes); i < end; i += 4 * lanes) {
            s0 = weights(base, i).fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i), s0);
            s1 = weights(base, i + lanes).fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i + lanes), s1);
            s2 = weights(base, i + 2 * lanes).fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i + 2 * lanes), s2);
            s3 = weights(base, i + 3 * lanes).fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i + 3 * lanes), s3);
        }
        double sum = Vectors.sum(s0.add(s2).add(s1.add(s3)));
        for (; i < columns; i++) sum += data.get(FLOAT, base + (long) i * Float.BYTES) * v[i];
        return (float) sum;
    }

    private FloatVector weights(long base, int i) {
        return FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, base + (long) i * Float.BYTES, LE);
    }

    @Override
    public float dotScalar(int row, Activation x) {
        float[] v = x.values();
        long base = rowOffset(row);
        float sum = 0;
        for (int i = 0; i < columns; i++) sum += data.get(FLOAT, base + (long) i * Float.BYTES) * v[i];
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        MemorySegment.copy(data, FLOAT, rowOffset(row), out, offset, columns);
    }
}
