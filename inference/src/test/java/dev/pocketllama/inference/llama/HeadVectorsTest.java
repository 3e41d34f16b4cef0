package dev.pocketllama.inference.llama;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector steps of attention give exactly the scalar arithmetic they replace. */
class HeadVectorsTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void roundingToF16MatchesTheJdkConversionEverywhere() {
        Random random = new Random(1);
        float[] x = new float[LANES];
        for (int round = 0; round < 200_000; round++) {
            for (int i = 0; i < LANES; i++) x[i] = sample(random, round);
            float[] rounded = HeadVectors.roundToF16(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).toArray();
            for (int i = 0; i < LANES; i++) {
                assertEquals(HeadVectors.f16(x[i]), rounded[i], "f16(" + x[i] + ")"); // any NaN equals any NaN, -0 is not 0
            }
        }
    }

    /** Random bit patterns, values around F16's limits, and exact ties between two F16 values. */
    private static float sample(Random random, int round) {
        return switch (round % 4) {
            case 0 -> Float.intBitsToFloat(random.nextInt());
            case 1 -> (random.nextBoolean() ? 1 : -1) * random.nextFloat() * 0x1p-13f;
            case 2 -> (random.nextBoolean() ? 1 : -1) * (65504f + random.nextFloat() * 32f);
            default -> {
                float f16 = Float.float16ToFloat((short) random.nextInt(0x7C00));
                float next = Math.nextUp(f16);
                yield (f16 + Float.float16ToFloat((short) (Float.floatToFloat16(f16) + 1))) / 2 + (random.nextBoolean() ? 0 : next - f16);
            }
        };
    }

    @Test
    void accumulatingIntoF16MatchesTheScalarStepsWithAndWithoutTheOverflowCheck() {
        for (boolean belowOverflow : new boolean[] {false, true}) {
            Random random = new Random(2);
            int n = 2 * LANES + 5;
            float[] vector = new float[n + 3];
            float[] scalar = new float[n + 3];
            float[] v = new float[n + 7];
            for (int i = 0; i < v.length; i++) v[i] = HeadVectors.f16((float) random.nextGaussian());
            for (int step = 0; step < 500; step++) {
                float weight = random.nextFloat();
                HeadVectors.addToF16(vector, 3, v, 7, n, weight, belowOverflow);
                for (int i = 0; i < n; i++) scalar[3 + i] = HeadVectors.f16(scalar[3 + i] + v[7 + i] * weight);
                if (step % 7 == 0) {
                    float rescale = random.nextFloat();
                    HeadVectors.scaleToF16(vector, 3, n, rescale);
                    for (int i = 0; i < n; i++) scalar[3 + i] = HeadVectors.f16(scalar[3 + i] * rescale);
                }
            }
            assertArrayEquals(scalar, vector, "belowOverflow " + belowOverflow);
        }
    }

    /** Values near F16's limit: the checked accumulation overflows to infinity where the scalar steps do, and stays. */
    @Test
    void accumulationPastF16sLimitBecomesInfinityAsTheScalarStepsDo() {
        int n = 2 * LANES + 1;
        float[] vector = new float[n];
        float[] scalar = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i % 2 == 0 ? 1 : -1) * 60000f;
        assertFalse(HeadVectors.accumulationStaysBelowOverflow(60000f, 3));
        for (int step = 0; step < 3; step++) {
            HeadVectors.addToF16(vector, 0, v, 0, n, 0.75f, false);
            for (int i = 0; i < n; i++) scalar[i] = HeadVectors.f16(scalar[i] + v[i] * 0.75f);
            HeadVectors.scaleToF16(vector, 0, n, 0.5f);
            for (int i = 0; i < n; i++) scalar[i] = HeadVectors.f16(scalar[i] * 0.5f);
        }
        assertArrayEquals(scalar, vector);
        assertEquals(Float.POSITIVE_INFINITY, vector[0]);
        assertEquals(Float.NEGATIVE_INFINITY, vector[1]);
    }

    /**
     * The guard holds for the worst an accumulation can do: every weight and rescale 1, every value the bound, and
     * both of each step's roundings as far up as rounding to nearest goes (half an F16 step). At the largest bound it
     * allows, the sums stay below F16's overflow; and it allows no NaN or infinite bound.
     */
    @Test
    void theOverflowGuardAllowsOnlyBoundsWhoseWorstCaseStaysFinite() {
        for (int span : new int[] {1, 64, 512, 2048}) {
            float bound = 65504f / span;
            while (!HeadVectors.accumulationStaysBelowOverflow(bound, span)) bound = Math.nextDown(bound);
            double sum = 0;
            for (int t = 0; t < span; t++) {
                sum = roundedUp(roundedUp(sum) + bound);
                assertTrue(sum < 65520, "span " + span + ", step " + t + ": " + sum);
            }
            assertTrue(bound > 65504f / span / 8, "span " + span + ": the guard is needlessly strict, " + bound);
        }
        assertFalse(HeadVectors.accumulationStaysBelowOverflow(Float.NaN, 1));
        assertFalse(HeadVectors.accumulationStaysBelowOverflow(Float.POSITIVE_INFINITY, 1));
    }

    /** {@code x} plus half of F16's step at its exponent: the most rounding to nearest F16 adds. */
    private static double roundedUp(double x) {
        return x == 0 ? 0x1p-25 : x + Math.scalb(1.0, Math.max(Math.getExponent(x), -14) - 11);
    }

    /**
     * Through the cache's own layout: two kv heads of an odd head size, spans that end inside a block and on its end,
     * each score the sequential double sum rounded to float and scaled; no score written before {@code at}.
     */
    @Test
    void keyDotsMatchTheSequentialDoubleSumAtEveryPosition() {
        Random random = new Random(3);
        int headSize = 2 * LANES + 3;
        LlamaConfig config = new LlamaConfig(2 * headSize, 8, 1, 2, 2, headSize, 16, 64, 1e-5f, 10000f, headSize - 1);
        KvCache cache = new KvCache(config, 5 * LANES);
        float[] q = new float[headSize + 1];
        for (int round = 0; round < 50; round++) {
            int span = round % 2 == 0 ? 3 * LANES : 2 * LANES + 1 + random.nextInt(LANES - 1);
            cache.ensure(span);
            float[][] keys = new float[span][config.kvDim()];
            for (int t = 0; t < span; t++) {
                for (int i = 0; i < config.kvDim(); i++) keys[t][i] = HeadVectors.f16((float) random.nextGaussian() * 4);
                cache.store(0, t, keys[t], new float[config.kvDim()]);
            }
            for (int i = 0; i < q.length; i++) q[i] = HeadVectors.f16((float) random.nextGaussian());
            int kvHead = round % 2;
            float scale = 0.125f + random.nextFloat();
            float[] scores = new float[2 + 3 * LANES];
            HeadVectors.keyDots(q, 1, cache.keys[0], config.kvDim(), kvHead * headSize, headSize, span, scale, scores, 2);
            assertEquals(0f, scores[0] + scores[1], "nothing before at");
            for (int t = 0; t < span; t++) {
                double expected = 0;
                for (int i = 0; i < headSize; i++) expected += q[1 + i] * keys[t][kvHead * headSize + i];
                assertEquals((float) expected * scale, scores[2 + t], "position " + t + " of " + span);
            }
        }
    }

    @Test
    void exponentialsAreTheScalarOnesToAFloatUlp() {
        Random random = new Random(4);
        int n = 3 * LANES + 5;
        double[] x = new double[n];
        int differing = 0;
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < n; i++) x[i] = round % 2 == 0 ? -random.nextFloat() * 30 : -(float) Math.abs(random.nextGaussian());
            x[round % n] = Float.NEGATIVE_INFINITY; // the first step's rescale of nothing
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = (float) Math.exp(x[i]);
            HeadVectors.exp(x, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], (float) x[i], Math.ulp(expected[i]), "exp at " + i);
                if (expected[i] != (float) x[i]) differing++;
            }
        }
        assertTrue(differing < 2000 * n / 10_000, differing + " of " + 2000 * n + " differ");
    }
}
