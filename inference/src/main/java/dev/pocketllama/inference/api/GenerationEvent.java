package dev.pocketllama.inference.api;

import java.time.Duration;

/** What happens to a request, in order: Queued (zero or more times), Started, Token..., Finished. */
public sealed interface GenerationEvent {

    /** The request waits; sent again whenever its position changes. Position 1 is next. */
    record Queued(int position, Duration estimatedWait) implements GenerationEvent { }

    /** The worker took the request: the prompt is {@code promptTokens} long, {@code cachedTokens} of it reused. */
    record Started(String modelName, int promptTokens, int cachedTokens) implements GenerationEvent { }

    /**
     * One generated token. {@code text} is the complete UTF-8 text it ends; it is empty while a multi-byte
     * character is still incomplete, and that character arrives whole with a later token.
     */
    record Token(int id, String text) implements GenerationEvent { }

    /** The last event. {@code message} says why for ERROR and REFUSED, and is empty otherwise. */
    record Finished(FinishReason reason, GenerationStats stats, String message) implements GenerationEvent { }
}
