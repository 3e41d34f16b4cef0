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
 * Q4_0 weights: blocks of 32 values, each an F16 scale {@code d} then 16 bytes whose low nibbles are values 0..15
 * and high nibbles values 16..31; value = d * (nibble - 8). Multiplied with the input's Q8_0 blocks.
 */
final class Q4_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private static final int HALF = BLOCK / 2;

    Q4_0Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.Q4_0);
    }

    @Override
    public GgmlType type() { return GgmlType.Q4_0; }

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
            for (int c = 0; c < HALF; c += INTS.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + 2 + c, LE);
                ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector high = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                acc = acc.add(widen(low).mul(IntVector.fromArray(INTS, q, b * BLOCK + c)))
                        .add(widen(high).mul(IntVector.fromArray(INTS, q, b * BLOCK + HALF + c)));
            }
            sum += Vectors.f16(data, block) * scales[b] * acc.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }

    private static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0);
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
            for (int i = 0; i < HALF; i++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xFF;
                dot += ((packed & 0x0F) - 8) * q[b * BLOCK + i] + ((packed >>> 4) - 8) * q[b * BLOCK + HALF + i];
            }
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
            for (int i = 0; i < HALF; i++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xFF;
                out[offset + b * BLOCK + i] = d * ((packed & 0x0F) - 8);
                out[offset + b * BLOCK + HALF + i] = d * ((packed >>> 4) - 8);
            }
        }
    }
}
