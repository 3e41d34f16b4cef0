package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationStats;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The queue in front of the scheduler: limits checked at submission, fair order, and positions. Any thread submits
 * and cancels here directly, so a refusal is immediate and a cancelled request leaves at once, with everyone behind
 * it told their new position right away (Queued events are sent under the lock, so each request's arrive in order).
 */
final class WaitingRoom {
    private final int maxPerUser;
    private final int maxWaiting;
    private final Throughput throughput;
    private final Runnable onArrival;
    private final IntSupplier freeSlots;
    private final FairQueue<Job> queue = new FairQueue<>();
    /** Requests waiting or running per user: what the per-user limit counts. */
    private final Map<String, Integer> perUser = new HashMap<>();
    private boolean closed;

    /** {@code onArrival} wakes the scheduler; {@code freeSlots} tells how many waiting jobs it will start at once. */
    WaitingRoom(int maxPerUser, int maxWaiting, Throughput throughput, Runnable onArrival, IntSupplier freeSlots) {
        this.maxPerUser = maxPerUser;
        this.maxWaiting = maxWaiting;
        this.throughput = throughput;
        this.onArrival = onArrival;
        this.freeSlots = freeSlots;
    }

    /** Queues the job and tells it its position; returns why it is refused instead, or null. */
    String enter(Job job) {
        synchronized (this) {
            String refusal = refusal(job);
            if (refusal != null) return refusal;
            perUser.merge(job.user(), 1, Integer::sum);
            queue.add(job.user(), job);
            publishPositions(freeSlots.getAsInt());
        }
        onArrival.run();
        return null;
    }

    private String refusal(Job job) {
        if (closed) return "the engine is shutting down";
        int mine = perUser.getOrDefault(job.user(), 0);
        if (mine >= maxPerUser) {
            return "you already have " + mine + " requests waiting or running (the limit is " + maxPerUser
                    + "); wait for one to finish";
        }
        if (queue.size() >= maxWaiting) return "the queue is full (" + queue.size() + " requests waiting); try again in a moment";
        return null;
    }

    /** The next job in fair order, or null; it still counts for its user until {@link #left}. */
    synchronized Job next() {
        Job job = queue.poll();
        if (job != null) publishPositions(0);
        return job;
    }

    /** Takes a waiting job out and finishes it as cancelled; false when it is not waiting (running or over). */
    synchronized boolean cancel(Job job) {
        if (!queue.remove(job.user(), job)) return false;
        left(job);
        job.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, GenerationStats.NONE, ""));
        publishPositions(0);
        return true;
    }

    /** A job taken by {@link #next} is over: it no longer counts against its user's limit. */
    synchronized void left(Job job) {
        perUser.computeIfPresent(job.user(), (u, n) -> n > 1 ? n - 1 : null);
    }

    synchronized int size() { return queue.size(); }

    /** Refuses new jobs from now on and cancels every waiting one. */
    synchronized void close() {
        closed = true;
        Job job;
        while ((job = queue.poll()) != null) {
            left(job);
            job.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, GenerationStats.NONE, "the engine closed"));
        }
    }

    /**
     * Sends Queued to every job whose position changed, with a wait estimated from measured speed, except the first
     * {@code aboutToStart}: a request that arrives while the scheduler has a free slot is not told it waits.
     */
    private void publishPositions(int aboutToStart) {
        List<Job> order = queue.inServingOrder();
        for (int i = Math.max(0, aboutToStart); i < order.size(); i++) {
            Job job = order.get(i);
            int position = i + 1;
            if (job.lastPosition != position) {
                job.lastPosition = position;
                job.emit(new GenerationEvent.Queued(position, throughput.estimatedWait(position)));
            }
        }
    }
}
