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
    /** Positions of a block of the key cache: one float vector's lanes. */
    static final int KEY_BLOCK = LANES;

    /** {@code positions} rounded up to whole key blocks: what the cache holds and {@link #keyDots} writes. */
    static int wholeKeyBlocks(int positions) { return (positions + KEY_BLOCK - 1) / KEY_BLOCK * KEY_BLOCK; }
    private static final int EXPONENT = 0x7F800000;
    /** The exponent bits of F16's smallest normal, 2^-14. */
    private static final int F16_MIN_NORMAL_EXPONENT = Float.floatToRawIntBits(0x1p-14f);
    /** Added to exponent bits: 13 more, and a mantissa of 1.5. */
    private static final int MAGIC_ABOVE_EXPONENT = 13 << 23 | 0x00400000;
    /** F16's largest finite value. */
    private static final float F16_MAX = 65504f;
    /** The smallest magnitude F16 rounds up to infinity (65504 + half a step). */
    private static final float F16_OVERFLOW = 65520f;

    private HeadVectors() { }

    /**
     * For each position {@code t < span}, {@code scores[at + t] = (float) (q[qAt..qAt + n) · key t) * scale}, where
     * value i of key t is {@code keys[}{@link KvCache#keyAt KvCache.keyAt}{@code (t, kvAt + i)]}: a block of
     * positions at a time, one vector lane per position. Query and keys hold F16 values, so each product is exact in
     * float, and their sum in double is exact unless the products span more than 2^25 in magnitude: so the order of
     * the additions does not change it. Whole blocks are written, so up to {@code KEY_BLOCK - 1} scores past the span
     * (of positions not filled yet), which the caller ignores.
     */
    static void keyDots(float[] q, int qAt, float[] keys, int kvDim, int kvAt, int n, int span, float scale,
                        float[] scores, int at) {
        for (int block = 0; block * KEY_BLOCK < span; block++) {
            int base = block * KEY_BLOCK * kvDim + kvAt * KEY_BLOCK;
            // two values at a time into two pairs of sums, so the additions of one do not wait on the other's
            DoubleVector low = DoubleVector.zero(DOUBLES);
            DoubleVector high = low;
            DoubleVector nextLow = low;
            DoubleVector nextHigh = low;
            int i = 0;
            for (; i + 1 < n; i += 2) {
                FloatVector p = FloatVector.fromArray(FLOATS, keys, base + i * KEY_BLOCK).mul(q[qAt + i]);
                FloatVector next = FloatVector.fromArray(FLOATS, keys, base + (i + 1) * KEY_BLOCK).mul(q[qAt + i + 1]);
                low = low.add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 0));
                high = high.add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 1));
                nextLow = nextLow.add((DoubleVector) next.convertShape(VectorOperators.F2D, DOUBLES, 0));
                nextHigh = nextHigh.add((DoubleVector) next.convertShape(VectorOperators.F2D, DOUBLES, 1));
            }
            if (i < n) {
                FloatVector p = FloatVector.fromArray(FLOATS, keys, base + i * KEY_BLOCK).mul(q[qAt + i]);
                low = low.add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 0));
                high = high.add((DoubleVector) p.convertShape(VectorOperators.F2D, DOUBLES, 1));
            }
            int to = at + block * KEY_BLOCK;
            ((FloatVector) low.add(nextLow).convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).mul(scale).intoArray(scores, to);
            ((FloatVector) high.add(nextHigh).convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).mul(scale)
                    .intoArray(scores, to + KEY_BLOCK / 2);
        }
    }

    /**
     * {@code x[i] = Math.exp(x[i])} for {@code i < n}, in vectors: each lane within an ulp of {@link Math#exp}'s, so
     * rounded to float it is the same but in the rare case where the two fall on either side of a float rounding
     * boundary, a float ulp apart. In doubles throughout: narrowed to floats here, inlined in attention, the
     * conversion boxed a vector at every step.
     */
    static void exp(double[] x, int n) {
        int i = 0;
        for (; i + DOUBLES.length() <= n; i += DOUBLES.length()) {
            DoubleVector.fromArray(DOUBLES, x, i).lanewise(VectorOperators.EXP).intoArray(x, i);
        }
        for (; i < n; i++) x[i] = Math.exp(x[i]);
    }

    /**
     * {@code out[at + i] = f16(out[at + i] * scale)} for {@code n} values, each an F16 value (at most 65504, or
     * infinite or NaN) and {@code scale} at most 1: no product reaches F16's overflow, so the rounding need not check.
     */
    static void scaleToF16(float[] out, int at, int n, float scale) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            roundBelowOverflowToF16(FloatVector.fromArray(FLOATS, out, at + i).mul(scale)).intoArray(out, at + i);
        }
        for (; i < n; i++) out[at + i] = f16(out[at + i] * scale);
    }

    /**
     * {@code out[at + i] = f16(out[at + i] + v[vAt + i] * weight)} for {@code n} values. With {@code belowOverflow}
     * the caller knows no sum reaches F16's overflow ({@link #accumulationStaysBelowOverflow}), and the rounding
     * skips that check: a quarter of the step's operations.
     */
    static void addToF16(float[] out, int at, float[] v, int vAt, int n, float weight, boolean belowOverflow) {
        int i = 0;
        if (belowOverflow) {
            for (; i + LANES <= n; i += LANES) {
                FloatVector sum = FloatVector.fromArray(FLOATS, out, at + i).add(FloatVector.fromArray(FLOATS, v, vAt + i).mul(weight));
                roundBelowOverflowToF16(sum).intoArray(out, at + i);
            }
        } else {
            for (; i + LANES <= n; i += LANES) {
                FloatVector sum = FloatVector.fromArray(FLOATS, out, at + i).add(FloatVector.fromArray(FLOATS, v, vAt + i).mul(weight));
                roundToF16(sum).intoArray(out, at + i);
            }
        }
        for (; i < n; i++) out[at + i] = f16(out[at + i] + v[vAt + i] * weight);
    }

    /**
     * Whether an online softmax's accumulation over {@code span} positions of values at most {@code bound} in
     * magnitude stays below F16's overflow at every step. Its weights and rescales are at most 1, so the exact sums
     * stay within {@code bound * span}; each step's (at most two) roundings to F16 grow them by at most 2^-11 each,
     * at most {@code e^(span * 2^-10)} over the span. False for a NaN or infinite bound.
     */
    static boolean accumulationStaysBelowOverflow(float bound, int span) {
        return bound * (double) span * Math.exp(span * 0x1p-10) < F16_MAX;
    }

    /**
     * Each lane rounded to the nearest F16 value, ties to even, as {@code float16ToFloat(floatToFloat16(x))} does:
     * {@link #roundBelowOverflowToF16}, and from 65520 on, infinity. Written out rather than calling it: through
     * the nested call, C2 boxed the vector and attention ran 15-25% slower.
     */
    static FloatVector roundToF16(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector sign = bits.and(0x80000000);
        FloatVector magic = bits.and(EXPONENT).max(F16_MIN_NORMAL_EXPONENT).add(MAGIC_ABOVE_EXPONENT).reinterpretAsFloats();
        FloatVector rounded = x.add(magic).sub(magic).reinterpretAsInts().or(sign).reinterpretAsFloats();
        return rounded.blend(sign.or(EXPONENT).reinterpretAsFloats(), x.abs().compare(VectorOperators.GE, F16_OVERFLOW));
    }

    /**
     * {@link #roundToF16} for lanes below 65520 in magnitude (and infinities and NaN, which stay). Adding and removing
     * 1.5 * 2^(e + 13), for x's binary exponent e, rounds x to a multiple of 2^(e - 10), F16's step at that exponent,
     * with the float addition's own ties to even; below F16's smallest normal, e counts as -14, whose step 2^-24 is
     * F16's subnormal step. The sign is put back for values that round to zero.
     */
    static FloatVector roundBelowOverflowToF16(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector sign = bits.and(0x80000000);
        FloatVector magic = bits.and(EXPONENT).max(F16_MIN_NORMAL_EXPONENT).add(MAGIC_ABOVE_EXPONENT).reinterpretAsFloats();
        return x.add(magic).sub(magic).reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    static float f16(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }
}
