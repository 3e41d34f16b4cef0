package dev.pocketllama.inference.api;

import java.util.Objects;

/**
 * What to generate and for whom.
 *
 * @param userKey         whose request this is ("telegram:42"): the worker is fair across users and limits each
 * @param conversationKey identifies the conversation whose KV cache a follow-up may reuse; null for none
 * @param prompt          the text, tokens or chat turns to continue
 * @param sampling        how to pick each token
 * @param maxTokens       the most tokens to generate
 */
public record GenerationRequest(String userKey, String conversationKey, Prompt prompt, SamplingParams sampling,
                                int maxTokens) {
    public GenerationRequest {
        Objects.requireNonNull(userKey, "userKey");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
    }
}
