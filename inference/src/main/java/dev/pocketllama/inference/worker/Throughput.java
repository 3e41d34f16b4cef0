package dev.pocketllama.inference.worker;

import java.time.Duration;

/**
 * Measured speed: an average job duration for queue estimates, and tokens generated per second over the last minute
 * (counted in one-second buckets, so a busy engine does not keep a timestamp per token).
 */
final class Throughput {
    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final int SECONDS = 60;
    private final int slots;
    private double averageJobNanos;
    private final long[] tokensInSecond = new long[SECONDS];
    private final long[] secondOfBucket = new long[SECONDS];

    /** {@code slots}: how many jobs run at once, so that many leave the queue per average job duration. */
    Throughput(int slots) {
        this.slots = Math.max(1, slots);
    }

    synchronized void jobFinished(long durationNanos) {
        averageJobNanos = averageJobNanos == 0 ? durationNanos : 0.8 * averageJobNanos + 0.2 * durationNanos;
    }

    synchronized void tokenGenerated(long nowNanos) {
        long second = nowNanos / SECOND_NANOS;
        int bucket = (int) Math.floorMod(second, SECONDS);
        if (secondOfBucket[bucket] != second) {
            secondOfBucket[bucket] = second;
            tokensInSecond[bucket] = 0;
        }
        tokensInSecond[bucket]++;
    }

    /** Expected wait for the job at {@code position} (1 is next): the batches of jobs ahead of it, one average job each. */
    synchronized Duration estimatedWait(int position) {
        long rounds = (position + slots - 1) / slots;
        return Duration.ofNanos((long) (averageJobNanos * rounds));
    }

    synchronized double tokensPerSecondLastMinute(long nowNanos) {
        long now = nowNanos / SECOND_NANOS;
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) if (now - secondOfBucket[i] < SECONDS) sum += tokensInSecond[i];
        return sum / (double) SECONDS;
    }
}
