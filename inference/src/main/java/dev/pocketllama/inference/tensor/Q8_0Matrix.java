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

/** Q8_0 weights: blocks of an F16 scale {@code d} then 32 int8 quants; value = d * q. */
final class Q8_0Matrix extends Q8InputMatrix {

    Q8_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q8_0);
    }

    @Override
    int blockDot(long block, int[] q, int at) {
        IntVector acc = IntVector.zero(INTS);
        for (int c = 0; c < BLOCK; c += INTS.length()) {
            IntVector w = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + 2 + c, LE)
                    .convertShape(VectorOperators.B2I, INTS, 0);
            acc = acc.add(w.mul(IntVector.fromArray(INTS, q, at + c)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    int blockDotScalar(long block, int[] q, int at) {
        int dot = 0;
        for (int i = 0; i < BLOCK; i++) dot += data.get(ValueLayout.JAVA_BYTE, block + 2 + i) * q[at + i];
        return dot;
    }

    @Override
    void dequantizeBlock(long block, float d, float[] out, int at) {
        for (int i = 0; i < BLOCK; i++) out[at + i] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
    }
}
