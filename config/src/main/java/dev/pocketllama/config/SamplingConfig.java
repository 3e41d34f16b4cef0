package dev.pocketllama.config;

/** Default sampling of replies (globally, or per model where set). Temperature 0 is greedy. */
public record SamplingConfig(Double temperature, Integer topK, Double topP, Double minP, Double repeatPenalty,
                             Long seed, Integer maxTokens) { }
