package dev.pocketllama.bot.stream;

import java.time.Duration;
import java.time.Instant;

/** The clock and timer of everything that paces or waits, injected so tests drive time without sleeping. */
public interface TaskScheduler {

    Instant now();

    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run yet. */
    Scheduled schedule(Duration delay, Runnable task);

    /** A task waiting for its time. */
    @FunctionalInterface
    interface Scheduled {
        void cancel();
    }
}
