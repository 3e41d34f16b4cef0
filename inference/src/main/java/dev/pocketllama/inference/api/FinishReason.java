package dev.pocketllama.inference.api;

/** Why a request ended. */
public enum FinishReason {
    /** The model produced an end-of-generation or end-of-turn token. */
    STOP,
    /** The token limit or the context length was reached. */
    LENGTH,
    /** {@link Generation#cancel()} was called, or the engine closed. */
    CANCELLED,
    /** Generation failed; the message says why. */
    ERROR,
    /** The request was over a queue limit and never ran; the message says which. */
    REFUSED
}
