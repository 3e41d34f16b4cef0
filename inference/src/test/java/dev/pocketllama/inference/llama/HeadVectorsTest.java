package dev.pocketllama.inference.llama;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void accumulatingIntoF16MatchesTheScalarSteps() {
        Random random = new Random(2);
        int n = 2 * LANES + 5;
        float[] vector = new float[n + 3];
        float[] scalar = new float[n + 3];
        float[] v = new float[n + 7];
        for (int i = 0; i < v.length; i++) v[i] = HeadVectors.f16((float) random.nextGaussian());
        for (int step = 0; step < 500; step++) {
            float weight = random.nextFloat();
            HeadVectors.addToF16(vector, 3, v, 7, n, weight);
            for (int i = 0; i < n; i++) scalar[3 + i] = HeadVectors.f16(scalar[3 + i] + v[7 + i] * weight);
            if (step % 7 == 0) {
                float rescale = random.nextFloat();
                HeadVectors.scaleToF16(vector, 3, n, rescale);
                for (int i = 0; i < n; i++) scalar[3 + i] = HeadVectors.f16(scalar[3 + i] * rescale);
            }
        }
        assertArrayEquals(scalar, vector);
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
        float[] x = new float[n];
        int differing = 0;
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < n; i++) x[i] = round % 2 == 0 ? -random.nextFloat() * 30 : -(float) Math.abs(random.nextGaussian());
            x[round % n] = Float.NEGATIVE_INFINITY; // the first step's rescale of nothing
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = (float) Math.exp(x[i]);
            HeadVectors.exp(x, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], x[i], Math.ulp(expected[i]), "exp at " + i);
                if (expected[i] != x[i]) differing++;
            }
        }
        assertTrue(differing < 2000 * n / 10_000, differing + " of " + 2000 * n + " differ");
    }
}
