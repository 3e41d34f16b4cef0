package dev.pocketllama.inference.api;

/** A model file that cannot be used, with a message naming the file, the part and what was expected. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) { super(message); }
    public ModelLoadException(String message, Throwable cause) { super(message, cause); }
}
