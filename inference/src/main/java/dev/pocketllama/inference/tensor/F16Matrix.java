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

    /** In llama.cpp's order (ggml_vec_dot_f16), as {@link F32Matrix#dot}. */
    @Override
    public float dot(int row, Activation x) {
        float[] v = x.f16();
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
        for (; i < columns; i++) sum += Vectors.f16(data, base + 2L * i) * v[i];
        return (float) sum;
    }

    private FloatVector weights(long base, int i) {
        return widen(ShortVector.fromMemorySegment(SHORTS_PER_INTS, data, base + 2L * i, LE));
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
