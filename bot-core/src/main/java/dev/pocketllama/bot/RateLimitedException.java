package dev.pocketllama.bot;

import java.time.Duration;

/** The platform refused a call for now (HTTP 429); try again after {@link #retryAfter()}. */
public class RateLimitedException extends RuntimeException {
    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter) {
        super("rate limited; retry after " + retryAfter.toMillis() + " ms");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() { return retryAfter; }
}
