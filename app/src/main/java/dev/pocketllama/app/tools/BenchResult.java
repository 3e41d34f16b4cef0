package dev.pocketllama.app.tools;

import java.util.List;

/**
 * One llama-bench test: {@code nPrompt} tokens of prompt processing or {@code nGen} generated tokens, timed
 * {@code samplesNanos.size()} times; tokens/s statistics as llama-bench computes them.
 */
record BenchResult(String modelFile, ModelDescription model, int threads, int nPrompt, int nGen, String testTime,
                   List<Long> samplesNanos) {

    List<Double> samplesTokensPerSecond() {
        return samplesNanos.stream().map(ns -> 1e9 * (nPrompt + nGen) / ns).toList();
    }

    double avgTokensPerSecond() { return mean(samplesTokensPerSecond()); }

    double stddevTokensPerSecond() { return stddev(samplesTokensPerSecond()); }

    long avgNanos() { return (long) mean(samplesNanos.stream().map(Long::doubleValue).toList()); }

    long stddevNanos() { return (long) stddev(samplesNanos.stream().map(Long::doubleValue).toList()); }

    /** llama-bench's test name: pp512, tg128. */
    String testName() { return nGen == 0 ? "pp" + nPrompt : nPrompt == 0 ? "tg" + nGen : "pp" + nPrompt + "+tg" + nGen; }

    static double mean(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).average().orElse(0); }

    /** The sample standard deviation, 0 for fewer than two samples (llama-bench's formula). */
    static double stddev(List<Double> v) {
        if (v.size() <= 1) return 0;
        double mean = mean(v);
        double squares = v.stream().mapToDouble(x -> x * x).sum();
        int n = v.size();
        return Math.sqrt(Math.max(0, squares / (n - 1) - mean * mean * n / (n - 1)));
    }
}
