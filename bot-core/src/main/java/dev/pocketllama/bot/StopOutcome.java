package dev.pocketllama.bot;

/** What pressing a Stop control did. */
public enum StopOutcome {
    /** The reply was queued or generating and is now cancelled. */
    STOPPED,
    /** Only the asker or an admin may stop a reply. */
    NOT_ALLOWED,
    /** The reply had already finished (or the bot restarted since). */
    ALREADY_FINISHED
}
