package dev.pocketllama.config;

import java.util.List;

/** The configuration a missing key falls back to: every section filled, one model. */
public final class ConfigDefaults {
    private ConfigDefaults() { }

    /** What an item of {@code models} starts from before its keys are read. */
    static final ModelConfig MODEL = new ModelConfig(null, null, "auto", 0, null);

    /** The default sampling; a {@code seed} of -1 draws a new seed for every reply. */
    public static final SamplingConfig SAMPLING = new SamplingConfig(0.7, 40, 0.95, 0.05, 1.0, -1L, 512);

    public static final PocketLlamaConfig CONFIG = new PocketLlamaConfig(
            List.of(new ModelConfig("default", "models/model.gguf", "auto", 0, null)),
            null,
            SAMPLING,
            new AdminsConfig(List.of(), List.of(), List.of()),
            new AllowConfig(List.of(), List.of(), List.of(), List.of(), List.of()),
            new LimitsConfig(3, 64, 4000, 4096),
            new EngineConfig(0, 4, 512, EngineConfig.AUTO),
            new ConversationsConfig("replyChain", ""),
            new TelegramConfig(false, null, null, 50, false),
            new DiscordConfig(false, null, null, null, false),
            new StoreConfig("pocketllama.db"),
            new StreamingConfig(1000, 3000, 1200, 50));
}
