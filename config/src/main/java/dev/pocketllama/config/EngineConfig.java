package dev.pocketllama.config;

/**
 * The inference worker.
 *
 * @param threads       kernel threads; 0 uses every core
 * @param maxBatch      sequences decoded together
 * @param promptCacheMb memory for conversations' KV caches kept between turns
 * @param weightCache   where a model's first load saves its weights in the kernels' layout, so that later loads map
 *                      them instead of copying the model: a directory, {@code auto} (the user's cache directory) or
 *                      {@code off}
 */
public record EngineConfig(int threads, int maxBatch, int promptCacheMb, String weightCache) {
    public static final String AUTO = "auto";
    public static final String OFF = "off";
}
