package dev.pocketllama.inference.sampling;

import dev.pocketllama.inference.api.SamplingParams;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from logits as a chain: repetition penalty, top-k, top-p, min-p, temperature, then a draw
 * from a generator seeded by the request, so the same seed and prompt give the same reply. Temperature 0 takes the
 * most likely token (after the penalty). One sampler serves one request; it is not thread-safe.
 */
public final class Sampler {
    private final SamplingParams params;
    private final Random random;
    private Candidate[] candidates = new Candidate[0];

    private record Candidate(int id, float logit) { }

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new Random(params.seed());
    }

    /** The next token given {@code logits} (changed in place by the penalty) and the tokens so far. */
    public int sample(float[] logits, int[] history, int historyLength) {
        penalizeRepeats(logits, history, historyLength);
        if (params.greedy()) return argmax(logits);
        int n = sortedCandidates(logits);
        if (params.topK() > 0) n = Math.min(n, params.topK());
        n = topP(n);
        n = minP(n);
        return draw(n);
    }

    /** Each distinct recent token's logit is divided by the penalty (multiplied, when negative): llama.cpp's rule. */
    private void penalizeRepeats(float[] logits, int[] history, int historyLength) {
        if (params.repeatPenalty() == 1 || params.repeatLastN() == 0) return;
        int from = Math.max(0, historyLength - params.repeatLastN());
        int[] recent = Arrays.stream(history, from, historyLength).distinct().toArray();
        float penalty = (float) params.repeatPenalty();
        for (int id : recent) {
            if (id < 0 || id >= logits.length) continue;
            logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private int sortedCandidates(float[] logits) {
        if (candidates.length != logits.length) candidates = new Candidate[logits.length];
        for (int i = 0; i < logits.length; i++) candidates[i] = new Candidate(i, logits[i]);
        Arrays.sort(candidates, (a, b) -> a.logit != b.logit ? Float.compare(b.logit, a.logit) : Integer.compare(a.id, b.id));
        return logits.length;
    }

    /** Probabilities of the first {@code n} candidates at temperature 1 (as llama.cpp's top-p sees them). */
    private double[] probabilities(int n, double temperature) {
        double[] p = new double[n];
        double max = candidates[0].logit / temperature;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(candidates[i].logit / temperature - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    /** Keeps the fewest most likely candidates whose probabilities add up to at least topP. */
    private int topP(int n) {
        if (params.topP() >= 1) return n;
        double[] p = probabilities(n, 1);
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += p[i];
            if (cumulative >= params.topP()) return i + 1;
        }
        return n;
    }

    /** Drops candidates less likely than minP times the most likely one. */
    private int minP(int n) {
        if (params.minP() <= 0) return n;
        double threshold = candidates[0].logit + Math.log(params.minP());
        int kept = 1;
        while (kept < n && candidates[kept].logit >= threshold) kept++;
        return kept;
    }

    private int draw(int n) {
        double[] p = probabilities(n, params.temperature());
        double r = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += p[i];
            if (r < cumulative) return candidates[i].id;
        }
        return candidates[n - 1].id;
    }
}
