package dev.pocketllama.bot.stream;

import java.time.Duration;
import java.time.Instant;

/**
 * The pace of one chat: every reply in the chat shares it, so two replies streaming side by side together keep
 * to the platform's edit rate, and a 429 from one holds back all of them.
 */
public final class EditPacer {
    private final Duration minInterval;
    private Instant nextAllowed = Instant.MIN;

    public EditPacer(Duration minInterval) { this.minInterval = minInterval; }

    /** The earliest time the next send or edit may go. */
    synchronized Instant nextAllowed() { return nextAllowed; }

    /** A call went out at {@code now}: the next waits a full interval. */
    synchronized void used(Instant now) {
        Instant next = now.plus(minInterval);
        if (next.isAfter(nextAllowed)) nextAllowed = next;
    }

    /** The platform asked to wait until {@code until}. */
    synchronized void holdUntil(Instant until) {
        if (until.isAfter(nextAllowed)) nextAllowed = until;
    }
}
