package dev.pocketllama.discord;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.RateLimitedException;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message.MentionType;
import net.dv8tion.jda.api.requests.RestAction;
import net.dv8tion.jda.api.utils.messages.AbstractMessageBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Turns bot-core's outgoing text into Discord message payloads that can never ping anyone (empty allowed
 * mentions, no reply ping), with a Stop button while a reply is running, and JDA's requests into futures that
 * complete when Discord has answered.
 */
final class DiscordMessages {
    /** Discord's longest message content. */
    static final int MAX_MESSAGE_CHARS = 2000;
    static final EnumSet<MentionType> NO_MENTIONS = EnumSet.noneOf(MentionType.class);
    private static final String STOP_PREFIX = "stop:";
    /** Discord rejects a message without content; a reply that has no text yet shows this. */
    private static final String EMPTY_TEXT = "…";

    private DiscordMessages() { }

    static MessageCreateData create(OutgoingMessage message) { return fill(new MessageCreateBuilder(), message).build(); }

    /** A full replacement: the text, and the Stop button or (when stopId is null) no components at all. */
    static MessageEditData edit(OutgoingMessage message) { return fill(new MessageEditBuilder(), message).build(); }

    private static <B extends AbstractMessageBuilder<?, B>> B fill(B builder, OutgoingMessage message) {
        return builder.setContent(content(message))
                .setComponents(components(message))
                .setAllowedMentions(NO_MENTIONS)
                .mentionRepliedUser(false);
    }

    /** The bot-core stop id a button's custom id carries, if it is one of our Stop buttons. */
    static Optional<String> stopId(String customId) {
        return customId.startsWith(STOP_PREFIX) ? Optional.of(customId.substring(STOP_PREFIX.length())) : Optional.empty();
    }

    private static String content(OutgoingMessage message) {
        String text = message.markdown() == null || message.markdown().isBlank() ? EMPTY_TEXT : message.markdown();
        // bot-core splits at the limit; this only keeps a stray overlong text from being refused as a whole
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }

    private static List<ActionRow> components(OutgoingMessage message) {
        return message.stopId() == null
                ? List.of()
                : List.of(ActionRow.of(Button.danger(STOP_PREFIX + message.stopId(), "Stop")));
    }

    /**
     * Queues a request and completes when Discord answered it (after JDA's own waiting for rate-limit buckets).
     * A rate limit JDA gives up on becomes bot-core's {@link RateLimitedException}, so bot-core retries later.
     */
    static <T> CompletableFuture<T> submit(RestAction<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        action.queue(result::complete, failure -> result.completeExceptionally(translate(failure)));
        return result;
    }

    static Throwable translate(Throwable failure) {
        if (failure instanceof net.dv8tion.jda.api.exceptions.RateLimitedException limited) {
            return new RateLimitedException(Duration.ofMillis(Math.max(0, limited.getRetryAfter())));
        }
        return failure;
    }
}
