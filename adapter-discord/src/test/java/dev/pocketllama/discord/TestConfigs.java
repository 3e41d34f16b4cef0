package dev.pocketllama.discord;

import dev.pocketllama.config.AdminsConfig;
import dev.pocketllama.config.AllowConfig;
import dev.pocketllama.config.ConversationsConfig;
import dev.pocketllama.config.DiscordConfig;
import dev.pocketllama.config.EngineConfig;
import dev.pocketllama.config.LimitsConfig;
import dev.pocketllama.config.ModelConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.config.SamplingConfig;
import dev.pocketllama.config.StoreConfig;
import dev.pocketllama.config.StreamingConfig;
import dev.pocketllama.config.TelegramConfig;
import dev.pocketllama.discord.fake.FakeDiscord;

import java.nio.file.Path;
import java.util.List;

/** Configurations pointing the adapter at a fake Discord. */
final class TestConfigs {
    static final int EDIT_INTERVAL_MILLIS = 300;

    private TestConfigs() { }

    static PocketLlamaConfig forFake(FakeDiscord discord, Path store, List<String> adminIds, boolean messageContentIntent) {
        return forFake(discord, store, adminIds, messageContentIntent, new AllowConfig(List.of(), List.of(), List.of(), List.of(), List.of()));
    }

    static PocketLlamaConfig forFake(FakeDiscord discord, Path store, List<String> adminIds, boolean messageContentIntent,
                                     AllowConfig allow) {
        return new PocketLlamaConfig(
                List.of(new ModelConfig("stories", "../shared/models/stories260K.gguf", "raw", 0, null),
                        new ModelConfig("stories-q8", "../shared/models/stories260K-Q8_0.gguf", "raw", 0, null)),
                "stories",
                new SamplingConfig(0.0, 40, 0.95, 0.05, 1.0, 42L, 64),
                new AdminsConfig(List.of(), adminIds, List.of(discord.adminRoleId)),
                allow,
                new LimitsConfig(3, 64, 4000, 4096),
                new EngineConfig(1, 4, 64, EngineConfig.OFF),
                new ConversationsConfig("replyChain", ""),
                new TelegramConfig(false, null, null, 50, false),
                new DiscordConfig(true, "fake-token", discord.restUrl(), discord.gatewayUrl(), messageContentIntent),
                new StoreConfig(store.toString()),
                new StreamingConfig(1000, 3000, EDIT_INTERVAL_MILLIS, 50));
    }
}
