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
 * Q4_0 weights: blocks of an F16 scale {@code d} then 16 bytes whose low nibbles are values 0..15 and high nibbles
 * values 16..31; value = d * (nibble - 8).
 */
final class Q4_0Matrix extends Q8InputMatrix {
    private static final int HALF = BLOCK / 2;

    Q4_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q4_0);
    }

    @Override
    int blockDot(long block, int[] q, int at) {
        IntVector acc = IntVector.zero(INTS);
        for (int c = 0; c < HALF; c += INTS.length()) {
            ByteVector packed = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + 2 + c, LE);
            ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
            ByteVector high = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            acc = acc.add(widen(low).mul(IntVector.fromArray(INTS, q, at + c)))
                    .add(widen(high).mul(IntVector.fromArray(INTS, q, at + HALF + c)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0);
    }

    @Override
    int blockDotScalar(long block, int[] q, int at) {
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
