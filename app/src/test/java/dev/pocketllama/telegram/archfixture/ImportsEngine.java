package dev.pocketllama.telegram.archfixture;

/** A deliberate violation: adapters never import the engine, not even its api. */
public class ImportsEngine {
    public dev.pocketllama.inference.api.Engine engine;
}
