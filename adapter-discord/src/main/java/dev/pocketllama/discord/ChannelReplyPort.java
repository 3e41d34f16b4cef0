package dev.pocketllama.discord;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.ReplyPort;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;

import java.util.concurrent.CompletableFuture;

/**
 * Replies in a channel, DM or thread as ordinary messages: every message answers (references) the user's
 * message without pinging its author; edits and deletes go to the messages sent here.
 */
final class ChannelReplyPort implements ReplyPort {
    private final MessageChannel channel;
    private final String replyToMessageId;
    private final PlatformLimits limits;

    /** @param replyToMessageId the user's message the replies answer, or null to send plain messages */
    ChannelReplyPort(MessageChannel channel, String replyToMessageId, PlatformLimits limits) {
        this.channel = channel;
        this.replyToMessageId = replyToMessageId;
        this.limits = limits;
    }

    @Override
    public PlatformLimits limits() { return limits; }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
        var action = channel.sendMessage(DiscordMessages.create(message))
                .setAllowedMentions(DiscordMessages.NO_MENTIONS)
                .mentionRepliedUser(false);
        if (replyToMessageId != null) {
            // a user may delete their question while the answer is queued: answer anyway, unreferenced
            action = action.setMessageReference(replyToMessageId).failOnInvalidReply(false);
        }
        return DiscordMessages.submit(action).thenApply(Message::getId);
    }

    @Override
    public CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        var action = channel.editMessageById(messageId, DiscordMessages.edit(message))
                .setAllowedMentions(DiscordMessages.NO_MENTIONS)
                .mentionRepliedUser(false);
        return DiscordMessages.submit(action).thenApply(edited -> null);
    }

    @Override
    public CompletableFuture<Void> typing() {
        return DiscordMessages.submit(channel.sendTyping());
    }

    @Override
    public CompletableFuture<Void> delete(String messageId) {
        return DiscordMessages.submit(channel.deleteMessageById(messageId));
    }
}
