package dev.pocketllama.inference.llama;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
    private static final int LANES = FLOATS.length();
    /** F16's smallest normal (2^-14) and the smallest magnitude it rounds up to infinity (65504 + half a step). */
    private static final float F16_MIN_NORMAL = 0x1p-14f;
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
     * Each lane rounded to the nearest F16 value, ties to even, as {@code float16ToFloat(floatToFloat16(x))} does:
     * normal values drop 13 mantissa bits with a carry; below F16's smallest normal, adding and removing 0.5 rounds
     * to its subnormal step of 2^-24; from 65520 on, infinity; NaN stays NaN.
     */
    static FloatVector roundToF16(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector sign = bits.and(0x80000000);
        FloatVector normal = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0xFFF)).and(0xFFFFE000)
                .reinterpretAsFloats();
        FloatVector abs = x.abs();
        FloatVector tiny = abs.add(0.5f).sub(0.5f).reinterpretAsInts().or(sign).reinterpretAsFloats();
        FloatVector infinite = sign.or(0x7F800000).reinterpretAsFloats();
        VectorMask<Float> isTiny = abs.compare(VectorOperators.LT, F16_MIN_NORMAL);
        VectorMask<Float> overflows = abs.compare(VectorOperators.GE, F16_OVERFLOW);
        return normal.blend(tiny, isTiny).blend(infinite, overflows).blend(x, x.test(VectorOperators.IS_NAN));
    }

    static float f16(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }
}
