package dev.pocketllama.bot;

import dev.pocketllama.bot.stream.EditPacer;
import dev.pocketllama.bot.stream.LiveReply;
import dev.pocketllama.bot.stream.TaskScheduler;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationListener;

import java.time.Duration;
import java.util.List;

/**
 * One answer being generated, as the user sees it: the queue position while it waits, the text as it grows,
 * a typing indicator renewed while the model writes, a Stop control until it ends, and one line saying why
 * when it ends other than normally.
 */
final class GenerationReply implements GenerationListener {

    /** What the bot learns as the reply goes out. */
    interface Owner {
        void onMessageSent(GenerationReply reply, String messageId);

        /** Generation ended; called before the final text is shown, so the answer is stored before anyone sees it. */
        void onFinished(GenerationReply reply, GenerationEvent.Finished finished, String generatedText);

        /** The final text is on the platform. */
        void onDelivered(GenerationReply reply);
    }

    final ReplyTarget target;
    final String stopId;
    private final ReplyPort port;
    private final TaskScheduler scheduler;
    private final LiveReply live;
    private final Owner owner;
    private final StringBuilder text = new StringBuilder();
    private volatile boolean generating;
    private volatile boolean over;
    private volatile boolean cancelRequested;
    private volatile Generation generation;
    /** The stored answer, once recorded; its messages are indexed to it. */
    volatile Long answerTurnId;
    private TaskScheduler.Scheduled typingRenewal;

    GenerationReply(ReplyTarget target, String stopId, ReplyPort port, TaskScheduler scheduler,
                    EditPacer pacer, Owner owner) {
        this.target = target;
        this.stopId = stopId;
        this.port = port;
        this.scheduler = scheduler;
        this.owner = owner;
        this.live = new LiveReply(port, scheduler, pacer, new LiveReply.Listener() {
            @Override public void onMessageSent(String messageId) { owner.onMessageSent(GenerationReply.this, messageId); }
            @Override public void onDelivered(List<String> ids) { owner.onDelivered(GenerationReply.this); }
            @Override public void onUndeliverable(Throwable error) { cancel(); }
        });
    }

    /** Shows the placeholder; call before submitting, so it is on screen before the first event. */
    void showPlaceholder() { live.show("⏳ …", stopId); }

    void attach(Generation submitted) {
        generation = submitted;
        if (cancelRequested) submitted.cancel();
    }

    void cancel() {
        cancelRequested = true;
        Generation g = generation;
        if (g != null) g.cancel();
    }

    /** The message carrying the reply was deleted: stop generating and stop editing it. */
    void abandon() {
        live.abandon();
        cancel();
    }

    boolean owns(String messageId) { return live.owns(messageId); }

    List<String> messageIds() { return live.messageIds(); }

    boolean isOver() { return over; }

    @Override
    public void onEvent(GenerationEvent event) {
        switch (event) {
            case GenerationEvent.Queued q -> live.show("⏳ queued: #" + q.position() + ", ~"
                    + Math.max(1, Math.round(q.estimatedWait().toMillis() / 1000.0)) + " s", stopId);
            case GenerationEvent.Started s -> {
                generating = true;
                renewTyping();
                if (text.isEmpty()) live.show("✍️ …", stopId);
            }
            case GenerationEvent.Token t -> {
                text.append(t.text());
                if (!text.toString().isBlank()) live.show(text.toString(), stopId);
            }
            case GenerationEvent.Finished f -> {
                generating = false;
                over = true;
                stopTyping();
                owner.onFinished(this, f, text.toString());
                live.finish(finalText(f));
            }
        }
    }

    private String finalText(GenerationEvent.Finished f) {
        String answer = text.toString();
        String sep = answer.isBlank() ? "" : "\n\n";
        String body = answer.isBlank() ? "" : answer;
        return switch (f.reason()) {
            case STOP, LENGTH -> answer.isBlank() ? "(the model gave an empty answer)" : answer;
            case CANCELLED -> body + sep + "⏹ stopped";
            case ERROR -> body + sep + "⚠️ error: " + oneLine(f.message(), "the model failed");
            case REFUSED -> "✋ " + oneLine(f.message(), "the queue is full; try again in a moment");
        };
    }

    private static String oneLine(String message, String fallback) {
        if (message == null || message.isBlank()) return fallback;
        return message.strip().lines().findFirst().orElse(fallback);
    }

    /** Typing shows for a while on the platform; renew it a little before it fades. */
    private synchronized void renewTyping() {
        if (!generating) return;
        try {
            port.typing().exceptionally(e -> null);
        } catch (RuntimeException e) {
            return;
        }
        Duration lasts = port.limits().typingInterval();
        if (lasts.isPositive()) typingRenewal = scheduler.schedule(lasts.multipliedBy(4).dividedBy(5), this::renewTyping);
    }

    private synchronized void stopTyping() {
        if (typingRenewal != null) typingRenewal.cancel();
        typingRenewal = null;
    }

    /** Whether the reply belongs in the history: it said something, and was neither refused nor failed. */
    static boolean answered(GenerationEvent.Finished f, String text) {
        return !text.isBlank() && f.reason() != FinishReason.REFUSED && f.reason() != FinishReason.ERROR;
    }
}
