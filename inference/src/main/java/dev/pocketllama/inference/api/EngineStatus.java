package dev.pocketllama.inference.api;

/**
 * What {@code /status} shows.
 *
 * @param activeModel           the model new requests go to
 * @param queued                requests waiting
 * @param running               sequences being generated
 * @param tokensPerSecondLastMinute generated tokens per second over the last minute
 * @param cacheHitRate          share of requests that reused a cached prefix, 0..1
 * @param memoryBytes           heap in use (it holds the KV caches) plus the mapped model files
 */
public record EngineStatus(ModelInfo activeModel, int queued, int running, double tokensPerSecondLastMinute,
                           double cacheHitRate, long memoryBytes) { }
