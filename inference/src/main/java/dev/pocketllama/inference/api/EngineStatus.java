package dev.pocketllama.inference.api;

/**
 * What {@code /status} shows.
 *
 * @param activeModel           the model new requests go to
 * @param warmingUp             whether its kernels are still being warmed up (replies come, more slowly at first)
 * @param queued                requests waiting
 * @param running               sequences being generated
 * @param tokensPerSecondLastMinute generated tokens per second over the last minute
 * @param cacheHitRate          share of requests that reused a cached prefix, 0..1
 * @param memoryBytes           heap in use (it holds the KV caches) plus the mapped model files
 */
public record EngineStatus(ModelInfo activeModel, boolean warmingUp, int queued, int running,
                           double tokensPerSecondLastMinute, double cacheHitRate, long memoryBytes) { }
