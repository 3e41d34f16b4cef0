package dev.pocketllama.config;

/**
 * How group messages are grouped into conversations.
 *
 * @param groupScope {@code replyChain} (each chain of replies to the bot is a conversation) or {@code channel}
 *                   (the whole channel or thread is one)
 * @param systemPrompt the system prompt of new conversations; empty for none
 */
public record ConversationsConfig(String groupScope, String systemPrompt) { }
