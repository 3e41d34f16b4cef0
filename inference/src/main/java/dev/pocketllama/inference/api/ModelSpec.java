package dev.pocketllama.inference.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model the engine may load.
 *
 * @param name          how admins and users refer to it
 * @param path          the GGUF file
 * @param template      {@code auto} (from the file's {@code tokenizer.chat_template}, else raw) or a template name
 * @param contextLength tokens of context per conversation; 0 takes the file's training context
 */
public record ModelSpec(String name, Path path, String template, int contextLength) {
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if (template == null || template.isBlank()) template = "auto";
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be >= 0, was " + contextLength);
    }
}
