package dev.pocketllama.inference.api;

/**
 * How each token is picked: repetition penalty, then top-k, top-p, min-p and temperature, then a draw from a
 * random generator seeded with {@code seed}, so a seed reproduces a reply. Temperature 0 is greedy.
 *
 * @param temperature   0 for greedy; higher flattens the distribution
 * @param topK          keep the k most likely tokens; 0 keeps all
 * @param topP          keep the smallest set whose probability reaches p; 1 keeps all
 * @param minP          drop tokens less likely than minP times the most likely; 0 keeps all
 * @param repeatPenalty divide (or multiply, for negative logits) the logits of recent tokens; 1 is off
 * @param repeatLastN   how many recent tokens the penalty looks at
 * @param seed          seed of the random generator
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, double repeatPenalty,
                             int repeatLastN, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, 0, 1, 64, 0);

    public SamplingParams {
        if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, was " + topK);
        if (topP <= 0 || topP > 1) throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        if (minP < 0 || minP >= 1) throw new IllegalArgumentException("minP must be in [0, 1), was " + minP);
        if (repeatPenalty <= 0) throw new IllegalArgumentException("repeatPenalty must be > 0, was " + repeatPenalty);
        if (repeatLastN < 0) throw new IllegalArgumentException("repeatLastN must be >= 0, was " + repeatLastN);
    }

    public boolean greedy() { return temperature == 0; }
}
