package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.FLOAT;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS;
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

    @Override
    public float dot(int row, Activation x) {
        float[] v = x.values();
        long base = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS);
        int i = 0;
        for (int end = FLOATS.loopBound(columns); i < end; i += FLOATS.length()) {
            FloatVector w = FloatVector.fromMemorySegment(FLOATS, data, base + (long) i * Float.BYTES, LE);
            acc = w.fma(FloatVector.fromArray(FLOATS, v, i), acc);
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < columns; i++) sum += data.get(FLOAT, base + (long) i * Float.BYTES) * v[i];
        return sum;
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
