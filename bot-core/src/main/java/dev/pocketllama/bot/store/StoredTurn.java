package dev.pocketllama.bot.store;

import dev.pocketllama.inference.api.ChatMessage;

/** One turn as stored: part of a conversation, answering (or following) its parent turn. */
public record StoredTurn(long id, long conversationId, Long parentId, ChatMessage.Role role, String text) {
    public ChatMessage message() { return new ChatMessage(role, text); }
}
