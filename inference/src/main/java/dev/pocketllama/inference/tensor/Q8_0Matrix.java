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
 * Q8_0 weights: blocks of 32 values, each an F16 scale {@code d} then 32 int8 quants; value = d * q.
 * Multiplied with the input's Q8_0 blocks: an integer dot per block, scaled by both blocks' scales.
 */
final class Q8_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q8_0);
    }

    @Override
    public GgmlType type() { return GgmlType.Q8_0; }

    @Override
    protected void prepare(Activation x) { x.q8_0Quants(); }

    @Override
    public float dot(int row, Activation x) {
        int[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            IntVector acc = IntVector.zero(INTS);
            for (int c = 0; c < BLOCK; c += INTS.length()) {
                IntVector w = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + 2 + c, LE)
                        .convertShape(VectorOperators.B2I, INTS, 0);
                acc = acc.add(w.mul(IntVector.fromArray(INTS, q, b * BLOCK + c)));
            }
            sum += Vectors.f16(data, block) * scales[b] * acc.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }

    @Override
    public float dotScalar(int row, Activation x) {
        int[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int dot = 0;
            for (int i = 0; i < BLOCK; i++) dot += data.get(ValueLayout.JAVA_BYTE, block + 2 + i) * q[b * BLOCK + i];
            sum += Vectors.f16(data, block) * scales[b] * dot;
        }
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            float d = Vectors.f16(data, block);
            for (int i = 0; i < BLOCK; i++) out[offset + b * BLOCK + i] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
        }
    }
}
