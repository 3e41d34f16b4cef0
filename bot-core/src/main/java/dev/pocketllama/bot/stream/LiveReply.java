package dev.pocketllama.bot.stream;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.RateLimitedException;
import dev.pocketllama.bot.ReplyPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A reply that changes while it is shown: callers set its newest full text whenever they like, and it reaches
 * the platform as one send and then edits, at most one call in flight, no faster than the chat's pace, a newer
 * text replacing one not yet sent, continued in new messages at the platform's length limit. A 429 waits as long
 * as the platform asks and then sends the newest text; the final text always lands.
 */
public final class LiveReply {
    private static final Logger log = LoggerFactory.getLogger(LiveReply.class);

    /** What the owner of a reply hears back. */
    public interface Listener {
        /** A message of this reply now exists on the platform. */
        default void onMessageSent(String messageId) { }

        /** The final text is on the platform, in these messages. */
        default void onDelivered(List<String> messageIds) { }

        /** The platform refused to take the reply's first message: nobody can see it. */
        default void onUndeliverable(Throwable error) { }
    }

    /** A platform message of this reply and what it shows now. */
    private static final class Slot {
        final String id;
        OutgoingMessage shown;
        int failures;

        Slot(String id, OutgoingMessage shown) {
            this.id = id;
            this.shown = shown;
        }
    }

    private final ReplyPort port;
    private final TaskScheduler scheduler;
    private final EditPacer pacer;
    private final Listener listener;
    private final SerialMailbox mailbox = new SerialMailbox();

    private final List<Slot> slots = new ArrayList<>();
    private final Set<String> messageIds = ConcurrentHashMap.newKeySet();
    private String text = "";
    private String stopId;
    private boolean finished;
    private boolean done;
    private boolean inFlight;
    private int sendFailures;
    private TaskScheduler.Scheduled wake;
    private Instant wakeAt;

    public LiveReply(ReplyPort port, TaskScheduler scheduler, EditPacer pacer, Listener listener) {
        this.port = port;
        this.scheduler = scheduler;
        this.pacer = pacer;
        this.listener = listener;
    }

    /** Shows {@code newText}, with a Stop control carrying {@code newStopId} under the last message when not null. */
    public void show(String newText, String newStopId) {
        mailbox.run(() -> {
            if (finished || done) return;
            text = newText;
            stopId = newStopId;
            pump();
        });
    }

    /** Shows the final text without a Stop control; later calls change nothing. */
    public void finish(String finalText) {
        mailbox.run(() -> {
            if (finished) return;
            if (done) {
                // Abandoned or undeliverable: nothing more to show, but the owner still hears that it is over.
                finished = true;
                listener.onDelivered(slots.stream().map(s -> s.id).toList());
                return;
            }
            text = finalText;
            stopId = null;
            finished = true;
            pump();
        });
    }

    /** Stops touching the platform, e.g. because its message was deleted. */
    public void abandon() {
        mailbox.run(() -> {
            done = true;
            cancelWake();
        });
    }

    /** Whether {@code messageId} is one of this reply's messages. */
    public boolean owns(String messageId) { return messageIds.contains(messageId); }

    /** The ids of this reply's messages on the platform so far. */
    public List<String> messageIds() { return List.copyOf(messageIds); }

    private List<OutgoingMessage> wanted() {
        List<String> parts = MessageSplitter.split(text, port.limits().maxMessageChars());
        List<OutgoingMessage> wanted = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            wanted.add(new OutgoingMessage(parts.get(i), i == parts.size() - 1 ? stopId : null));
        }
        // A reply that shrank leaves its extra messages as they were, without a Stop control.
        for (int i = parts.size(); i < slots.size(); i++) wanted.add(OutgoingMessage.plain(slots.get(i).shown.markdown()));
        return wanted;
    }

    private void pump() {
        if (done || inFlight) return;
        List<OutgoingMessage> wanted = wanted();
        Instant now = scheduler.now();
        for (int i = 0; i < wanted.size(); i++) {
            OutgoingMessage message = wanted.get(i);
            if (i < slots.size() && slots.get(i).shown.equals(message)) continue;
            Instant allowed = pacer.nextAllowed();
            if (allowed.isAfter(now)) {
                wakeAt(allowed);
                return;
            }
            pacer.used(now);
            if (i < slots.size()) edit(slots.get(i), message);
            else send(message);
            return;
        }
        if (finished) {
            done = true;
            cancelWake();
            listener.onDelivered(slots.stream().map(s -> s.id).toList());
        }
    }

    private void send(OutgoingMessage message) {
        inFlight = true;
        call(() -> port.send(message)).whenComplete((id, error) -> mailbox.run(() -> {
            inFlight = false;
            if (error == null) {
                sendFailures = 0;
                slots.add(new Slot(Objects.requireNonNull(id, "send completed without a message id"), message));
                messageIds.add(id);
                listener.onMessageSent(id);
            } else if (!waitIfRateLimited(error) && ++sendFailures > 1) {
                log.warn("giving up on a reply: the platform refused to send it twice", error);
                done = true;
                listener.onUndeliverable(unwrap(error));
                return;
            }
            pump();
        }));
    }

    private void edit(Slot slot, OutgoingMessage message) {
        inFlight = true;
        call(() -> port.edit(slot.id, message)).whenComplete((ignored, error) -> mailbox.run(() -> {
            inFlight = false;
            if (error == null) {
                slot.failures = 0;
                slot.shown = message;
            } else if (!waitIfRateLimited(error) && ++slot.failures > 1) {
                log.warn("the platform refused an edit of message {} twice; skipping that text", slot.id, error);
                slot.failures = 0;
                slot.shown = message;
            }
            pump();
        }));
    }

    private boolean waitIfRateLimited(Throwable error) {
        if (!(unwrap(error) instanceof RateLimitedException limited)) return false;
        Duration wait = limited.retryAfter();
        pacer.holdUntil(scheduler.now().plus(wait));
        return true;
    }

    private void wakeAt(Instant at) {
        if (wake != null && !wakeAt.isAfter(at)) return;
        cancelWake();
        wakeAt = at;
        wake = scheduler.schedule(Duration.between(scheduler.now(), at), () -> mailbox.run(() -> {
            wake = null;
            pump();
        }));
    }

    private void cancelWake() {
        if (wake != null) wake.cancel();
        wake = null;
    }

    /** A port call whose synchronous failure (an adapter bug) counts like a failed future. */
    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
