package dev.pocketllama.inference.api;

/** Progress of loading (mapping, checking, warming) a model, for a terminal bar or a chat message. */
@FunctionalInterface
public interface LoadProgressListener {
    /** {@code fraction} runs from 0 to 1 within {@code stage}, e.g. ("mapping", 0.4). */
    void onProgress(String stage, double fraction);

    LoadProgressListener NONE = (stage, fraction) -> { };
}
