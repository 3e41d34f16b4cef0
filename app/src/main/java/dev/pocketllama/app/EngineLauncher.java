package dev.pocketllama.app;

import dev.pocketllama.config.ModelConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelSpec;

import java.nio.file.Path;

/** Starts the engine the configuration describes. */
final class EngineLauncher {
    private EngineLauncher() { }

    static EngineOptions options(PocketLlamaConfig config) {
        return new EngineOptions(config.models().stream().map(EngineLauncher::spec).toList(), config.defaultModel(),
                config.engine().threads(), config.limits().maxQueuedPerUser(), config.limits().maxQueueLength(),
                config.engine().maxBatch(), (long) config.engine().promptCacheMb() << 20, WeightCacheSetting.directory(config.engine().weightCache()));
    }

    private static ModelSpec spec(ModelConfig m) {
        return new ModelSpec(m.name(), Path.of(m.path()), m.template(), m.contextLength());
    }

    /** Loads the default model, reporting progress; throws ModelLoadException with the reason if it cannot. */
    static Engine start(PocketLlamaConfig config, LoadProgressListener progress) {
        return Engine.start(options(config), progress);
    }
}
