package dev.pocketllama.discord;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.RateLimitedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The payload rules no bot-core text can break: never empty, never over 2,000 characters; rate limits translated. */
class DiscordMessagesTest {

    @Test
    void aReplyWithoutTextYetShowsAnEllipsisBecauseDiscordRefusesEmptyMessages() {
        assertEquals("…", DiscordMessages.create(OutgoingMessage.plain("  ")).getContent());
    }

    @Test
    void anOverlongTextIsCutToDiscordsLimitRatherThanRefusedWhole() {
        String content = DiscordMessages.edit(OutgoingMessage.plain("x".repeat(2500))).getContent();
        assertEquals(2000, content.length());
        assertEquals('…', content.charAt(1999));
    }

    @Test
    void stopButtonsCarryBotCoresStopIdAndOtherButtonsAreNotOurs() {
        var message = DiscordMessages.create(new OutgoingMessage("hi", "job-7"));
        String customId = message.getComponents().getFirst().asActionRow().getButtons().getFirst().getCustomId();
        assertEquals(Optional.of("job-7"), DiscordMessages.stopId(customId));
        assertEquals(Optional.empty(), DiscordMessages.stopId("someone-else:job-7"));
    }

    @Test
    void aRateLimitJdaGivesUpOnBecomesBotCoresRetryAfter() {
        var limited = DiscordMessages.translate(new net.dv8tion.jda.api.exceptions.RateLimitedException("PATCH/channels", 1500));
        assertEquals(Duration.ofMillis(1500), assertInstanceOf(RateLimitedException.class, limited).retryAfter());
    }
}
