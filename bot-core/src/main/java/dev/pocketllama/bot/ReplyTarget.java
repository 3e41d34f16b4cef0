package dev.pocketllama.bot;

/**
 * Where an answer belongs: the message it answers, whose it is, and its place in the conversation.
 *
 * @param scopeKey     the chat scope whose current conversation this is, or null in a reply-chain group
 * @param userTurnId   the stored turn of the message being answered
 * @param parentTurnId the turn that message follows, or null when it starts the conversation
 */
record ReplyTarget(InboundMessage message, String userKey, String scopeKey, long conversationId, long userTurnId,
                   Long parentTurnId) { }
