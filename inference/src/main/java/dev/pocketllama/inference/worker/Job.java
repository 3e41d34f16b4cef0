package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationListener;
import dev.pocketllama.inference.api.GenerationRequest;

import java.util.concurrent.CompletableFuture;

/** A submitted request with its listener and state; its events are sent only from the scheduler thread. */
final class Job {
    final long id;
    final GenerationRequest request;
    final long submittedNanos;
    private final GenerationListener listener;
    final CompletableFuture<GenerationEvent.Finished> finished = new CompletableFuture<>();
    volatile boolean cancelled;
    int lastPosition;

    Job(long id, GenerationRequest request, GenerationListener listener, long submittedNanos) {
        this.id = id;
        this.request = request;
        this.listener = listener;
        this.submittedNanos = submittedNanos;
    }

    String user() { return request.userKey(); }

    /** Sends an event; a listener that throws does not stop the engine. */
    void emit(GenerationEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException ignored) {
            // the listener's own failure is its business; the job goes on and still finishes
        }
        if (event instanceof GenerationEvent.Finished f) finished.complete(f);
    }
}
