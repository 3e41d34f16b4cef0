package dev.pocketllama.discord;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls for a condition the bot reaches asynchronously, with a generous deadline; never a fixed sleep. */
final class Eventually {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Eventually() { }

    static void until(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    static <T> T value(String what, Supplier<T> value) {
        Object[] holder = new Object[1];
        until(what, () -> (holder[0] = value.get()) != null);
        @SuppressWarnings("unchecked") T result = (T) holder[0];
        return result;
    }
}
