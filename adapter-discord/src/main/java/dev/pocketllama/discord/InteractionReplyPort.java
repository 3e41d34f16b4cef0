package dev.pocketllama.discord;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.ReplyPort;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.interactions.InteractionHook;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replies to a slash command that was deferred at once: the first message fills the deferred reply, and it is
 * edited through the interaction token while the token is valid; continuations are ordinary channel messages, and
 * once the 15-minute token is about to expire the deferred reply is edited as an ordinary message too.
 */
final class InteractionReplyPort implements ReplyPort {
    /**
     * Leave the token this long before it expires: an edit may wait behind a rate limit, and it must still find
     * the token valid when JDA finally sends it.
     */
    static final Duration TOKEN_MARGIN = Duration.ofSeconds(60);

    private final InteractionHook hook;
    private final ChannelReplyPort channel;
    private final AtomicBoolean originalClaimed = new AtomicBoolean();
    private volatile String originalId;

    InteractionReplyPort(InteractionHook hook, ChannelReplyPort channel) {
        this.hook = hook;
        this.channel = channel;
    }

    @Override
    public PlatformLimits limits() { return channel.limits(); }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
        if (tokenUsable() && originalClaimed.compareAndSet(false, true)) {
            var action = hook.editOriginal(DiscordMessages.edit(message))
                    .setAllowedMentions(DiscordMessages.NO_MENTIONS)
                    .mentionRepliedUser(false);
            return DiscordMessages.submit(action).thenApply(Message::getId).thenApply(id -> originalId = id);
        }
        return channel.send(message);
    }

    @Override
    public CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        if (messageId.equals(originalId) && tokenUsable()) {
            var action = hook.editOriginal(DiscordMessages.edit(message))
                    .setAllowedMentions(DiscordMessages.NO_MENTIONS)
                    .mentionRepliedUser(false);
            return DiscordMessages.submit(action).thenApply(edited -> null);
        }
        return channel.edit(messageId, message);
    }

    @Override
    public CompletableFuture<Void> typing() { return channel.typing(); }

    @Override
    public CompletableFuture<Void> delete(String messageId) {
        if (messageId.equals(originalId) && tokenUsable()) return DiscordMessages.submit(hook.deleteOriginal());
        return channel.delete(messageId);
    }

    private boolean tokenUsable() {
        return System.currentTimeMillis() < hook.getExpirationTimestamp() - TOKEN_MARGIN.toMillis();
    }
}
