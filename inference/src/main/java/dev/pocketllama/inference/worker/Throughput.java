package dev.pocketllama.inference.worker;

import java.time.Duration;
import java.util.ArrayDeque;

/** Measured speed: an average job duration for queue estimates, and tokens generated over the last minute. */
final class Throughput {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private double averageJobNanos;
    private final ArrayDeque<Long> recentTokens = new ArrayDeque<>();

    synchronized void jobFinished(long durationNanos) {
        averageJobNanos = averageJobNanos == 0 ? durationNanos : 0.8 * averageJobNanos + 0.2 * durationNanos;
    }

    synchronized void tokenGenerated(long nowNanos) {
        recentTokens.addLast(nowNanos);
        while (!recentTokens.isEmpty() && nowNanos - recentTokens.peekFirst() > MINUTE_NANOS) recentTokens.removeFirst();
    }

    /** Expected wait for the job at {@code position} (1 is next) behind the running one. */
    synchronized Duration estimatedWait(int position) {
        return Duration.ofNanos((long) (averageJobNanos * position));
    }

    synchronized double tokensPerSecondLastMinute(long nowNanos) {
        while (!recentTokens.isEmpty() && nowNanos - recentTokens.peekFirst() > MINUTE_NANOS) recentTokens.removeFirst();
        return recentTokens.size() / 60.0;
    }
}
