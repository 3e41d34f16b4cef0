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

/**
 * What the Discord settings change: allow.discordChannels keeps the bot out of other places (except for admins);
 * with discord.messageContentIntent off (Discord then blanks guild messages that do not mention the bot), mentions
 * and DMs still work and blanked messages are dropped rather than answered as empty.
 */
class DiscordSettingsTest {
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

    @Test
    void mentionsAndDirectMessagesWorkAndBlankedThreadMessagesAreDropped() {
        adapter = DiscordAdapter.start(TestConfigs.forFake(discord, dir.resolve("s.db"), List.of(), false), bot);
        String starter = FakeDiscord.snowflake();
        when(bot.isBotMessage(Platform.DISCORD, discord.channelId, starter)).thenReturn(true);
        String thread = discord.startThread(starter);

        discord.post(ann, thread, "blanked without the intent");
        discord.mention(ann, "can you read this?");
        discord.directMessage(ann, FakeDiscord.snowflake(), "and this?");

        var messages = ArgumentCaptor.forClass(InboundMessage.class);
        verify(bot, timeout(30_000).times(2)).onMessage(messages.capture(), any(ReplyPort.class));
        assertEquals(List.of("can you read this?", "and this?"), messages.getAllValues().stream().map(InboundMessage::text).toList());
    }
}
