package dev.pocketllama.bot.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wall-clock time and one daemon timer thread; timed tasks must hand off and return quickly. */
public final class SystemTaskScheduler implements TaskScheduler, AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bot-timer");
        t.setDaemon(true);
        return t;
    });

    @Override
    public Instant now() { return Instant.now(); }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        var future = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() { timer.shutdownNow(); }
}
