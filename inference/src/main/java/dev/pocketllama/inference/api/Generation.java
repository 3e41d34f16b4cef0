package dev.pocketllama.inference.api;

import java.util.concurrent.CompletableFuture;

/** Handle on a submitted request. */
public interface Generation {

    /** Unique within the engine's lifetime. */
    long id();

    /**
     * Stops the request: a queued one leaves the queue at once, a running one before its next token.
     * Either way it finishes with {@link FinishReason#CANCELLED}. Cancelling a finished request does nothing.
     */
    void cancel();

    /** Completes with the final event, whatever the reason. */
    CompletableFuture<GenerationEvent.Finished> finished();
}
