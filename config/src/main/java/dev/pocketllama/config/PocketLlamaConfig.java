package dev.pocketllama.config;

import java.util.List;

/**
 * The whole configuration, as read from {@code pocketllama.yml} with {@code ${ENV}} references substituted.
 * Plain data: {@link ConfigLoader} reads and validates it; every key is documented in the README.
 */
public record PocketLlamaConfig(
        List<ModelConfig> models,
        String defaultModel,
        SamplingConfig sampling,
        AdminsConfig admins,
        AllowConfig allow,
        LimitsConfig limits,
        EngineConfig engine,
        ConversationsConfig conversations,
        TelegramConfig telegram,
        DiscordConfig discord,
        StoreConfig store,
        StreamingConfig streaming) { }
