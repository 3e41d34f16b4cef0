package dev.pocketllama.bot;

import java.time.Duration;

/**
 * The limits the reply streamer keeps to for one chat.
 *
 * @param maxMessageChars longest text of one message; longer replies continue in new messages
 * @param minEditInterval shortest time between two edits of messages in this chat
 * @param typingInterval  how long a typing indicator lasts, so it is renewed in time
 */
public record PlatformLimits(int maxMessageChars, Duration minEditInterval, Duration typingInterval) { }
