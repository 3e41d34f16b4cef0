package dev.pocketllama.discord;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.DiscordConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.discord.fake.FakeDiscord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;

/** A bot that cannot start says which config key is wrong and how to fix it. */
class DiscordStartupTest {
    private final FakeDiscord discord = FakeDiscord.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() { discord.close(); }

    @Test
    void aRefusedTokenNamesTheKeyAndTheFix() {
        discord.rejectToken();
        var error = assertThrows(IllegalStateException.class, () ->
                DiscordAdapter.start(TestConfigs.forFake(discord, dir.resolve("s.db"), List.of(), false), mock(Bot.class)));
        assertEquals("discord.token: Discord refused the token (copy a fresh one from the Developer Portal, Bot page, "
                + "Reset Token)", error.getMessage());
    }

    @Test
    void aMissingTokenNamesTheEnvironmentVariable() {
        PocketLlamaConfig config = TestConfigs.forFake(discord, dir.resolve("s.db"), List.of(), false);
        DiscordConfig withoutToken = new DiscordConfig(true, " ", discord.restUrl(), discord.gatewayUrl(), false);
        PocketLlamaConfig broken = new PocketLlamaConfig(config.models(), config.defaultModel(), config.sampling(),
                config.admins(), config.allow(), config.limits(), config.engine(), config.conversations(),
                config.telegram(), withoutToken, config.store(), config.streaming());
        var error = assertThrows(IllegalStateException.class, () -> DiscordAdapter.start(broken, mock(Bot.class)));
        assertEquals("discord.token: missing (write token: ${DISCORD_TOKEN} and export DISCORD_TOKEN with the token "
                + "from the Developer Portal, Bot page)", error.getMessage());
    }
}
