package dev.pocketllama.config;

/**
 * Limits that keep one user or one message from taking the bot over.
 *
 * @param maxQueuedPerUser   requests one user may have waiting or running
 * @param maxQueueLength     requests waiting in total
 * @param maxMessageChars    longest user message accepted
 * @param historyTokenBudget most tokens of history sent to the model (also bounded by its context)
 */
public record LimitsConfig(int maxQueuedPerUser, int maxQueueLength, int maxMessageChars, int historyTokenBudget) { }
