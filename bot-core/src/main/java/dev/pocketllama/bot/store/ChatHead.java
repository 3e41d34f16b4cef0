package dev.pocketllama.bot.store;

/** The current conversation of a chat (or channel, or thread) and its newest turn, null before the first. */
public record ChatHead(long conversationId, Long turnId) { }
