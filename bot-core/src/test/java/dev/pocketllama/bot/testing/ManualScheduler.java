package dev.pocketllama.bot.testing;

import dev.pocketllama.bot.stream.TaskScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A fake clock with timers that run only when a test advances time: throttling tested without sleeping. */
public final class ManualScheduler implements TaskScheduler {
    private record Timer(Instant at, long order, Runnable task) { }

    private final List<Timer> timers = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long order;

    @Override
    public synchronized Instant now() { return now; }

    @Override
    public synchronized Scheduled schedule(Duration delay, Runnable task) {
        Timer timer = new Timer(now.plus(delay.isNegative() ? Duration.ZERO : delay), order++, task);
        timers.add(timer);
        return () -> {
            synchronized (this) {
                timers.remove(timer);
            }
        };
    }

    /** Moves the clock forward, running each timer that falls due at its own time, in order. */
    public void advance(Duration duration) {
        Instant end;
        synchronized (this) {
            end = now.plus(duration);
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.stream().filter(t -> !t.at().isAfter(end))
                        .min(Comparator.comparing(Timer::at).thenComparingLong(Timer::order)).orElse(null);
                if (next == null) {
                    now = end;
                    return;
                }
                timers.remove(next);
                if (next.at().isAfter(now)) now = next.at();
            }
            next.task().run();
        }
    }

    /** Advances in small steps until {@code condition} holds or {@code limit} has passed; false if it never did. */
    public boolean advanceUntil(java.util.function.BooleanSupplier condition, Duration step, Duration limit) {
        for (Duration passed = Duration.ZERO; passed.compareTo(limit) <= 0; passed = passed.plus(step)) {
            if (condition.getAsBoolean()) return true;
            advance(step);
        }
        return condition.getAsBoolean();
    }

    public synchronized int pendingTimers() { return timers.size(); }
}
