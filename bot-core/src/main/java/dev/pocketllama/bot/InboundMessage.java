package dev.pocketllama.bot;

import java.util.Objects;

/**
 * A platform message the adapter decided is for the bot (a private message, a mention, a reply to the bot, a
 * command), with the bot's own mention already removed from {@code text}. Native commands (slash commands) arrive
 * as their text form, e.g. {@code "/model tiny"}.
 *
 * @param platform         where it came from
 * @param chatId           the chat, channel or DM it was posted in
 * @param chatKind         private or group
 * @param threadId         the thread inside the chat, or null
 * @param author           who wrote it
 * @param messageId        the platform's id of this message
 * @param text             what the model should see
 * @param replyToMessageId the message it replies to, or null
 */
public record InboundMessage(Platform platform, String chatId, ChatKind chatKind, String threadId, Author author,
                             String messageId, String text, String replyToMessageId) {
    public InboundMessage {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(chatKind, "chatKind");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(text, "text");
    }
}
