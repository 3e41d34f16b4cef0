package dev.pocketllama.discord;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.ReplyPort;
import dev.pocketllama.config.AllowConfig;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** allow.discordGuilds / allow.discordChannels: the bot keeps out of other places, except for admins. */
class DiscordAllowListTest {
    private final FakeDiscord discord = FakeDiscord.start();
    private final Bot bot = mock(Bot.class);
    private final FakeUser ann = discord.user("Ann");
    private final FakeUser boss = discord.admin("Boss");
    private DiscordAdapter adapter;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (adapter != null) adapter.close();
        discord.close();
    }

    @Test
    void aChannelOutsideTheAllowListIsIgnoredForMembersAndServedForAdmins() {
        when(bot.isAdmin(eq(Platform.DISCORD), any())).thenAnswer(i -> ((Author) i.getArgument(1)).hasAdminRole());
        var onlyElsewhere = new AllowConfig(List.of(), List.of(), List.of(), List.of(), List.of(FakeDiscord.snowflake()));
        adapter = DiscordAdapter.start(TestConfigs.forFake(discord, dir.resolve("s.db"), List.of(), true, onlyElsewhere), bot);

        var command = discord.slashCommand(ann, "ask", Map.of("prompt", "hello?"));
        discord.mention(ann, "hello?");
        String fromAdmin = discord.mention(boss, "hello from an admin");

        var messages = ArgumentCaptor.forClass(InboundMessage.class);
        verify(bot, timeout(30_000)).onMessage(messages.capture(), any(ReplyPort.class));
        assertEquals(List.of(fromAdmin), messages.getAllValues().stream().map(InboundMessage::messageId).toList());
        Eventually.until("the command is answered", () -> discord.callback(command).isPresent());
        JsonNode refusal = discord.callback(command).orElseThrow();
        assertEquals("This bot does not answer in this channel.", refusal.path("data").path("content").asText());
        assertEquals(64, refusal.path("data").path("flags").asInt() & 64, "only Ann sees it");
    }
}
