package dev.pocketllama.inference.api;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start an engine.
 *
 * @param models            the models it may load; the first named {@code defaultModel} loads at start
 * @param defaultModel      the model to load first
 * @param threads           threads for the kernels; 0 uses every core
 * @param maxQueuedPerUser  requests one user may have waiting or running
 * @param maxQueueLength    requests all users together may have waiting
 * @param maxBatch          sequences decoded together in one pass
 * @param promptCacheBytes  memory for conversations' KV caches kept between turns; 0 disables the cache
 * @param weightCache       the directory where a model's first load saves its row groups for later loads to map;
 *                          null copies them from the file at every load
 */
public record EngineOptions(List<ModelSpec> models, String defaultModel, int threads, int maxQueuedPerUser,
                            int maxQueueLength, int maxBatch, long promptCacheBytes, Path weightCache) {
    public EngineOptions {
        models = List.copyOf(models);
        if (models.isEmpty()) throw new IllegalArgumentException("at least one model is needed");
        if (defaultModel == null) defaultModel = models.getFirst().name();
    }

    /** One model, default limits, row groups copied at every load. */
    public static EngineOptions single(ModelSpec model) {
        return new EngineOptions(List.of(model), model.name(), 0, 4, 64, 4, 256L << 20, null);
    }
}
