package dev.pocketllama.inference.api;

import java.time.Duration;

/**
 * Counts and timings of one request.
 *
 * @param promptTokens            tokens in the prompt
 * @param cachedPromptTokens      of those, tokens reused from the conversation's cache rather than computed
 * @param generatedTokens         tokens generated
 * @param promptTokensPerSecond   prompt tokens computed per second (0 when none were)
 * @param tokensPerSecond         generated tokens per second (0 when none were)
 * @param queued                  time spent waiting in the queue
 */
public record GenerationStats(int promptTokens, int cachedPromptTokens, int generatedTokens,
                              double promptTokensPerSecond, double tokensPerSecond, Duration queued) {
    public static final GenerationStats NONE = new GenerationStats(0, 0, 0, 0, 0, Duration.ZERO);
}
