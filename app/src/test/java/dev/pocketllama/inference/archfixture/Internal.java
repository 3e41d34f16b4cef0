package dev.pocketllama.inference.archfixture;

/** Stands for an engine internal (outside dev.pocketllama.inference.api); it imports config, a violation too. */
public class Internal {
    public dev.pocketllama.config.PocketLlamaConfig config;
}
