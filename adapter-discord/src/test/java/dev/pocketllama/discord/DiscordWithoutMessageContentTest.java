package dev.pocketllama.discord;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.ReplyPort;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * With the privileged Message Content intent off (Discord then blanks guild messages that do not mention the bot),
 * mentions and DMs still reach bot-core, and blanked messages are dropped rather than answered as empty.
 */
class DiscordWithoutMessageContentTest {
    private final FakeDiscord discord = FakeDiscord.start();
    private final Bot bot = mock(Bot.class);
    private final FakeUser ann = discord.user("Ann");
    private DiscordAdapter adapter;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (adapter != null) adapter.close();
        discord.close();
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
