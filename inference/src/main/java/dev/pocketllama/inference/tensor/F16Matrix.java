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
import static dev.pocketllama.inference.tensor.Vectors.SHORTS_PER_INTS;

/** F16 weights, multiplied (as llama.cpp does) with the input rounded to F16, summed in float. */
final class F16Matrix extends WeightMatrix {

    F16Matrix(String name, MemorySegment data, int rows, int columns) {
        super(name, data, rows, columns, GgmlType.F16);
    }

    @Override
    public GgmlType type() { return GgmlType.F16; }

    @Override
    protected void prepare(Activation x) { x.f16(); }

    @Override
    public float dot(int row, Activation x) {
        float[] v = x.f16();
        long base = rowOffset(row);
        FloatVector acc = FloatVector.zero(FLOATS_PER_INTS);
        int i = 0;
        for (int end = INTS.loopBound(columns); i < end; i += INTS.length()) {
            ShortVector halves = ShortVector.fromMemorySegment(SHORTS_PER_INTS, data, base + 2L * i, LE);
            acc = widen(halves).fma(FloatVector.fromArray(FLOATS_PER_INTS, v, i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < columns; i++) sum += Vectors.f16(data, base + 2L * i) * v[i];
        return sum;
    }

    /**
     * F16 bits to floats without a conversion instruction: sign-extended to int and shifted left by 13, the sign
     * lands in bit 31 and the exponent and mantissa in a float's place (bits 28-30, copies of the sign, are masked
     * off); read as a float that is the value times 2^-112, for normal and subnormal halves alike, so one multiply
     * restores it exactly.
     */
    private static FloatVector widen(ShortVector halves) {
        return ((IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 13)
                .and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
    }

    @Override
    public float dotScalar(int row, Activation x) {
        float[] v = x.f16();
        long base = rowOffset(row);
        float sum = 0;
        for (int i = 0; i < columns; i++) sum += Vectors.f16(data, base + 2L * i) * v[i];
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int i = 0; i < columns; i++) out[offset + i] = Vectors.f16(data, base + 2L * i);
    }
}
