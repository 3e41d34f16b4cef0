package dev.pocketllama.config;

/**
 * The inference worker.
 *
 * @param threads       kernel threads; 0 uses every core
 * @param maxBatch      sequences decoded together
 * @param promptCacheMb memory for conversations' KV caches kept between turns
 */
public record EngineConfig(int threads, int maxBatch, int promptCacheMb) { }
