package dev.pocketllama.inference.sampling;

import dev.pocketllama.inference.api.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {
    private static final int[] NONE = new int[0];

    private static SamplingParams params(double temperature, int topK, double topP, double minP, double penalty, long seed) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, 64, seed);
    }

    private static float[] logits() { return new float[] {1f, 3f, 2.9f, -1f, 0.5f}; }

    @Test
    void temperatureZeroIsGreedy() {
        assertEquals(1, new Sampler(SamplingParams.GREEDY).sample(logits(), NONE, 0));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        float[] l = logits();
        int pick = new Sampler(params(0, 0, 1, 0, 1.5, 0)).sample(l, new int[] {1, 3, 1}, 3);
        assertEquals(2, pick, "token 1 was repeated, so 2.9 now beats 3 / 1.5");
        assertEquals(2f, l[1]);
        assertEquals(-1.5f, l[3]);
    }

    @Test
    void penaltyLooksOnlyAtTheLastNTokens() {
        var p = new SamplingParams(0, 0, 1, 0, 1.5, 1, 0);
        assertEquals(1, new Sampler(p).sample(logits(), new int[] {1, 4}, 2));
    }

    @Test
    void aSeedReproducesTheDraws() {
        var p = params(1.0, 0, 1, 0, 1, 42);
        Sampler a = new Sampler(p);
        Sampler b = new Sampler(p);
        for (int i = 0; i < 50; i++) assertEquals(a.sample(logits(), NONE, 0), b.sample(logits(), NONE, 0));
    }

    @Test
    void drawsFollowTheSoftmax() {
        Sampler s = new Sampler(params(1.0, 0, 1, 0, 1, 7));
        int[] counts = new int[5];
        int draws = 20000;
        for (int i = 0; i < draws; i++) counts[s.sample(logits(), NONE, 0)]++;
        double z = 0;
        for (float l : logits()) z += Math.exp(l);
        for (int id = 0; id < 5; id++) {
            assertEquals(Math.exp(logits()[id]) / z, counts[id] / (double) draws, 0.015, "token " + id);
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        Set<Integer> seen = drawMany(params(5.0, 2, 1, 0, 1, 3));
        assertEquals(Set.of(1, 2), seen);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities: 3 -> 0.44, 2.9 -> 0.40, 1 -> 0.06 ...: p = 0.5 needs the top two
        assertEquals(Set.of(1, 2), drawMany(params(1.0, 0, 0.5, 0, 1, 5)));
        assertEquals(Set.of(1), drawMany(params(1.0, 0, 0.1, 0, 1, 5)));
    }

    @Test
    void minPDropsTokensFarLessLikelyThanTheBest() {
        // exp(1 - 3) = 0.135 of the best: kept with min-p 0.1, dropped with 0.2
        assertEquals(Set.of(0, 1, 2), drawMany(params(3.0, 0, 1, 0.1, 1, 9)));
        assertEquals(Set.of(1, 2), drawMany(params(3.0, 0, 1, 0.2, 1, 9)));
    }

    @Test
    void lowTemperatureSharpensHighTemperatureFlattens() {
        assertEquals(Set.of(1), drawMany(params(0.01, 0, 1, 0, 1, 11)));
        assertEquals(Set.of(0, 1, 2, 3, 4), drawMany(params(100, 0, 1, 0, 1, 11)));
    }

    private static Set<Integer> drawMany(SamplingParams p) {
        Sampler s = new Sampler(p);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) seen.add(s.sample(logits(), NONE, 0));
        return seen;
    }
}
