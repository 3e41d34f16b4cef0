package dev.pocketllama.bot.testing;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.ReplyPort;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link ReplyPort} that records every call with its time, keeps each message's current text, and answers at
 * once or, when held, when the test says so; failures for the next calls can be queued. Thread-safe, and
 * {@link #await} lets tests with real threads wait for what a user would see.
 */
public final class RecordingReplyPort implements ReplyPort {

    /** One call: {@code kind} is send, edit, typing or delete. */
    public record Call(String kind, String messageId, OutgoingMessage message, Instant at) { }

    /** Ids are unique across ports, as a platform's are within a chat. */
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private final PlatformLimits limits;
    private final Supplier<Instant> clock;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, OutgoingMessage> messages = new LinkedHashMap<>();
    private final Queue<Throwable> failures = new ArrayDeque<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private int inFlight;
    private int maxInFlight;

    public RecordingReplyPort(PlatformLimits limits, Supplier<Instant> clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Wall clock, long messages, no pacing: for tests that care what is said, not when. */
    public static RecordingReplyPort unpaced() {
        return new RecordingReplyPort(new PlatformLimits(4000, Duration.ZERO, Duration.ofSeconds(5)), Instant::now);
    }

    @Override
    public PlatformLimits limits() { return limits; }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
        String id = "m" + NEXT_ID.getAndIncrement();
        return answer(new Call("send", id, message, clock.get()), id);
    }

    @Override
    public CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        synchronized (this) {
            if (!messages.containsKey(messageId)) throw new IllegalArgumentException("no message " + messageId);
        }
        return answer(new Call("edit", messageId, message, clock.get()), null);
    }

    @Override
    public synchronized CompletableFuture<Void> typing() {
        calls.add(new Call("typing", null, null, clock.get()));
        notifyAll();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> delete(String messageId) {
        calls.add(new Call("delete", messageId, null, clock.get()));
        messages.remove(messageId);
        notifyAll();
        return CompletableFuture.completedFuture(null);
    }

    /** Records the call and completes its future now, or later when held; a queued failure fails it instead. */
    private <T> CompletableFuture<T> answer(Call call, T value) {
        Throwable failure;
        boolean later;
        var future = new CompletableFuture<T>();
        synchronized (this) {
            calls.add(call);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            failure = failures.poll();
            later = holding;
        }
        Runnable complete = () -> {
            synchronized (this) {
                inFlight--;
                if (failure == null) messages.put(call.messageId(), call.message());
                notifyAll();
            }
            if (failure == null) future.complete(value);
            else future.completeExceptionally(failure);
        };
        if (!later) complete.run();
        else synchronized (this) {
            held.add(complete);
        }
        return future;
    }

    /** From now on, calls wait for {@link #release} (or not, with false). */
    public synchronized void hold(boolean hold) { holding = hold; }

    /** Answers every held call, in order. */
    public void release() {
        List<Runnable> toRun;
        synchronized (this) {
            toRun = List.copyOf(held);
            held.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized int heldCalls() { return held.size(); }

    /** The next send or edit fails with {@code error} (queued failures apply in order). */
    public synchronized void failNext(Throwable error) { failures.add(error); }

    public synchronized List<Call> calls() { return List.copyOf(calls); }

    public synchronized List<Call> calls(String kind) {
        return calls.stream().filter(c -> c.kind().equals(kind)).toList();
    }

    /** Ids of the messages sent, in order. */
    public synchronized List<String> messageIds() { return List.copyOf(messages.keySet()); }

    /** What the message shows now. */
    public synchronized OutgoingMessage message(String messageId) { return messages.get(messageId); }

    /** The current texts of every message, in order. */
    public synchronized List<String> texts() {
        return messages.values().stream().map(OutgoingMessage::markdown).toList();
    }

    /** The first message sent, as it shows now. */
    public synchronized OutgoingMessage first() {
        return messages.isEmpty() ? null : messages.values().iterator().next();
    }

    /** The text of the last message sent, as it shows now. */
    public synchronized String lastText() {
        return messages.isEmpty() ? null : messages.values().stream().reduce((a, b) -> b).orElseThrow().markdown();
    }

    /** Whether every message shows its final form (no Stop control) and no call is in flight. */
    public synchronized boolean settled() {
        return !messages.isEmpty() && inFlight == 0 && messages.values().stream().allMatch(m -> m.stopId() == null);
    }

    public synchronized int maxInFlight() { return maxInFlight; }

    /** Waits (real time) until {@code condition} holds; fails the test after {@code timeout}. */
    public synchronized void await(Predicate<RecordingReplyPort> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("timed out; calls so far: " + calls);
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
