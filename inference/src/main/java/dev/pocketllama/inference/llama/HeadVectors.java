package dev.pocketllama.inference.llama;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector steps of one attention head, each with the scalar arithmetic it replaces: F16 query-key dots summed in
 * double, and value accumulators rounded to F16 after every step. Lanes past the last full vector run scalar.
 */
final class HeadVectors {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES =
            VectorSpecies.of(double.class, VectorShape.forBitSize(FLOATS.vectorBitSize()));
    private static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final int LANES = FLOATS.length();
    private static final int EXPONENT = 0x7F800000;
    /** The exponent bits of F16's smallest normal, 2^-14. */
    private static final int F16_MIN_NORMAL_EXPONENT = Float.floatToRawIntBits(0x1p-14f);
    /** Added to exponent bits: 13 more, and a mantissa of 1.5. */
    private static final int MAGIC_ABOVE_EXPONENT = 13 << 23 | 0x00400000;
    /** The smallest magnitude F16 rounds up to infinity (65504 + half a step). */
    private static final float F16_OVERFLOW = 65520f;

    private HeadVectors() { }

    /**
     * {@code q[qAt..] · k[kAt..]} over {@code n} values. Both hold F16 values, so each product is exact in float, and
     * their sum in double is exact unless the products span more than 2^25 in magnitude: then the order of the
     * additions does not change it.
     */
    static double dot(float[] q, int qAt, float[] k, int kAt, int n) {
        int i = 0;
        DoubleVector acc = DoubleVector.zero(DOUBLES);
        for (; i + LANES <= n; i += LANES) {
            FloatVector p = FloatVector.fromArray(FLOATS, q, qAt + i).mul(FloatVector.fromArray(FLOATS, k, kAt + i));
            acc = acc.add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 1));
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += q[qAt + i] * k[kAt + i];
        return sum;
    }

    /**
     * {@code x[i] = (float) Math.exp(x[i])} for {@code i < n}, in double vectors: each lane's double exponential is
     * within an ulp of {@link Math#exp}'s, so rounded to float it is the same but in the rare case where the two fall
     * on either side of a float rounding boundary, a float ulp apart.
     */
    static void exp(float[] x, int n) {
        int i = 0;
        for (; i + DOUBLES.length() <= n; i += DOUBLES.length()) {
            DoubleVector d = (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            ((FloatVector) d.lanewise(VectorOperators.EXP).convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(x, i);
        }
        for (; i < n; i++) x[i] = (float) Math.exp(x[i]);
    }

    /** {@code out[at + i] = f16(out[at + i] * scale)} for {@code n} values. */
    static void scaleToF16(float[] out, int at, int n, float scale) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            roundToF16(FloatVector.fromArray(FLOATS, out, at + i).mul(scale)).intoArray(out, at + i);
        }
        for (; i < n; i++) out[at + i] = f16(out[at + i] * scale);
    }

    /** {@code out[at + i] = f16(out[at + i] + v[vAt + i] * weight)} for {@code n} values. */
    static void addToF16(float[] out, int at, float[] v, int vAt, int n, float weight) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector sum = FloatVector.fromArray(FLOATS, out, at + i).add(FloatVector.fromArray(FLOATS, v, vAt + i).mul(weight));
            roundToF16(sum).intoArray(out, at + i);
        }
        for (; i < n; i++) out[at + i] = f16(out[at + i] + v[vAt + i] * weight);
    }

    /**
     * Each lane rounded to the nearest F16 value, ties to even, as {@code float16ToFloat(floatToFloat16(x))} does.
     * Adding and removing 1.5 * 2^(e + 13), for x's binary exponent e, rounds x to a multiple of 2^(e - 10), F16's
     * step at that exponent, with the float addition's own ties to even; below F16's smallest normal, e counts as
     * -14, whose step 2^-24 is F16's subnormal step. The sign is put back for values that round to zero; from 65520
     * on, infinity; NaN stays NaN.
     */
    static FloatVector roundToF16(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector sign = bits.and(0x80000000);
        FloatVector magic = bits.and(EXPONENT).max(F16_MIN_NORMAL_EXPONENT).add(MAGIC_ABOVE_EXPONENT).reinterpretAsFloats();
        FloatVector rounded = x.add(magic).sub(magic).reinterpretAsInts().or(sign).reinterpretAsFloats();
        return rounded.blend(sign.or(EXPONENT).reinterpretAsFloats(), x.abs().compare(VectorOperators.GE, F16_OVERFLOW));
    }

    static float f16(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }
}
