package dev.pocketllama.inference.api;

/** Receives a request's events on the engine's worker thread; implementations hand off and return quickly. */
@FunctionalInterface
public interface GenerationListener {
    void onEvent(GenerationEvent event);
}
