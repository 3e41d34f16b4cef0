package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every vectorised kernel agrees with its scalar twin (row-group kernels bit for bit), on widths that are and are not
 * multiples of the lanes.
 */
class KernelTwinTest {

    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        int lanes = Vectors.FLOATS_PER_INTS.length();
        return Stream.concat(NewFormatsKernelTwinTest.cases(), Stream.of(
                arguments(GgmlType.F32, 1), arguments(GgmlType.F32, lanes), arguments(GgmlType.F32, lanes * 3 + 5),
                arguments(GgmlType.F32, 172), arguments(GgmlType.F32, 64),
                arguments(GgmlType.F16, 3), arguments(GgmlType.F16, Vectors.INTS.length() * 4), arguments(GgmlType.F16, 172),
                arguments(GgmlType.F16, 1001),
                arguments(GgmlType.Q8_0, 32), arguments(GgmlType.Q8_0, 64), arguments(GgmlType.Q8_0, 32 * 23),
                arguments(GgmlType.Q4_0, 32), arguments(GgmlType.Q4_0, 64), arguments(GgmlType.Q4_0, 32 * 23)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("cases")
    void vectorDotMatchesScalarTwin(GgmlType type, int columns) {
        Random random = new Random(columns * 31L + type.id());
        int rows = 5;
        WeightMatrix m = randomMatrix(type, rows, columns, random);
        float[] x = new float[columns];
        for (int i = 0; i < columns; i++) x[i] = (float) random.nextGaussian();
        Activation a = Activation.of(x);
        float[] vector = new float[rows];
        try (KernelPool pool = new KernelPool(1)) {
            m.matvec(a, vector, pool);
        }
        for (int r = 0; r < rows; r++) {
            float scalar = m.dotScalar(r, a);
            if (m instanceof RowGroupKernel) assertEquals(scalar, vector[r], type + " row " + r);
            else assertEquals(scalar, vector[r], 1e-5f * (1 + Math.abs(scalar)) * Math.sqrt(columns), type + " row " + r);
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("cases")
    void scalarDotIsTheDequantizedRowTimesTheEncodedInput(GgmlType type, int columns) {
        Random random = new Random(columns);
        WeightMatrix m = randomMatrix(type, 2, columns, random);
        float[] x = new float[columns];
        for (int i = 0; i < columns; i++) x[i] = (float) random.nextGaussian();
        Activation a = Activation.of(x);
        float[] w = new float[columns];
        m.dequantizeRow(1, w, 0);
        float[] input = switch (type) {
            case F32 -> x;
            case F16 -> a.f16();
            case BF16 -> a.bf16();
            case Q4_K, Q6_K -> NewFormatsKernelTwinTest.dequantizedQ8_K(a);
            default -> dequantizedQ8_0(a);
        };
        double expected = 0;
        for (int i = 0; i < columns; i++) expected += (double) w[i] * input[i];
        assertEquals(expected, m.dotScalar(1, a), 1e-4 * (1 + Math.abs(expected)));
    }

    private static float[] dequantizedQ8_0(Activation a) {
        float[] out = new float[a.length()];
        for (int i = 0; i < out.length; i++) out[i] = a.q8_0Quants()[i] * a.q8_0Scales()[i / 32];
        return out;
    }

    static WeightMatrix randomMatrix(GgmlType type, int rows, int columns, Random random) {
        int bytes = (int) type.byteSize((long) rows * columns);
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            switch (type) {
                case F32 -> b.putFloat((float) random.nextGaussian());
                case F16 -> b.putShort(Float.floatToFloat16((float) random.nextGaussian()));
                case Q8_0 -> {
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.02f));
                    for (int i = 0; i < 32; i++) b.put((byte) (random.nextInt(255) - 127));
                }
                case Q4_0 -> {
                    b.putShort(Float.floatToFloat16(random.nextFloat() * 0.1f));
                    for (int i = 0; i < 16; i++) b.put((byte) random.nextInt(256));
                }
                default -> {
                    return NewFormatsKernelTwinTest.randomMatrix(type, rows, columns, random);
                }
            }
        }
        var info = new GgufTensorInfo("w", type, new long[] {columns, rows}, 0);
        return WeightMatrix.of(info, MemorySegment.ofArray(b.array()), "test");
    }
}
