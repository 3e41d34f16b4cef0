package dev.pocketllama.bot;

import java.util.concurrent.CompletableFuture;

/**
 * What an adapter does for bot-core in one chat: bound to the chat (and thread) of the message being answered,
 * the first {@link #send} replies to that message. Calls never block; the futures complete when the platform
 * has answered. A future that fails with {@link RateLimitedException} asks the caller to wait and try again.
 */
public interface ReplyPort {

    PlatformLimits limits();

    /** Sends a new message and completes with its platform id. */
    CompletableFuture<String> send(OutgoingMessage message);

    /** Replaces the text (and controls) of a message sent through this port. */
    CompletableFuture<Void> edit(String messageId, OutgoingMessage message);

    /** Shows that the bot is typing, for about {@link PlatformLimits#typingInterval()}. */
    CompletableFuture<Void> typing();

    /** Deletes a message sent through this port. */
    CompletableFuture<Void> delete(String messageId);
}
