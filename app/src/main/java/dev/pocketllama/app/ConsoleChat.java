package dev.pocketllama.app;

import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.ReplyPort;
import dev.pocketllama.bot.StopOutcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The terminal as a chat platform: each line typed is a message to the bot, and the bot's replies are rendered
 * as they stream. A terminal cannot edit what it printed, so an edit prints only the text it adds; a status line
 * that is replaced (the queue position) is erased on a terminal. Scripted (stdin not a terminal), the status
 * lines are left out, each line waits for its answer, and the chat ends after the last answer.
 */
final class ConsoleChat implements ReplyPort {
    static final String CHAT_ID = "console";
    private static final Duration SCRIPTED_SETTLE_TIMEOUT = Duration.ofMinutes(30);

    private final Bot bot;
    private final BufferedReader in;
    private final PrintStream out;
    private final boolean interactive;
    private final PlatformLimits limits;
    private final Author operator = new Author("operator", System.getProperty("user.name", "you"), false);
    private final Map<String, String> shown = new HashMap<>();
    private final Map<String, String> stopIds = new HashMap<>();
    private final Map<String, String> printedScripted = new HashMap<>();
    private String lastRenderedId;
    private int messages;
    private int repliesSent;

    ConsoleChat(Bot bot, BufferedReader in, PrintStream out, boolean interactive, Duration editInterval) {
        this.bot = bot;
        this.in = in;
        this.out = out;
        this.interactive = interactive;
        // No length limit worth splitting at, no typing indicator.
        this.limits = new PlatformLimits(1_000_000, editInterval, Duration.ZERO);
    }

    /** Reads messages until the end of input (or /quit, or Ctrl-D) and returns when the last answer is shown. */
    void run() throws IOException, InterruptedException {
        if (interactive) out.println("Chatting with " + bot.modelNames().getFirst() + ". /help lists commands; "
                + "Ctrl-C stops an answer, Ctrl-D quits.");
        for (String line; (line = prompt()) != null; ) {
            if (line.isBlank()) continue;
            if (line.strip().equals("/quit") || line.strip().equals("/exit")) break;
            int before = sentCount();
            bot.onMessage(new InboundMessage(Platform.CONSOLE, CHAT_ID, ChatKind.PRIVATE, null, operator,
                    "u" + (++messages), line, null), this);
            if (!interactive) awaitAnswer(before);
        }
        if (interactive) awaitAnswer(sentCount() - 1);
    }

    /** Stops the answer being written, as the Stop button does; false when none is. */
    boolean stopCurrent() {
        String stopId;
        synchronized (this) {
            stopId = stopIds.values().stream().findFirst().orElse(null);
        }
        return stopId != null && bot.onStop(Platform.CONSOLE, stopId, operator) == StopOutcome.STOPPED;
    }

    /** The next line; on a terminal the first prompt is printed here, later ones after each answer. */
    private String prompt() throws IOException {
        if (interactive && messages == 0) {
            synchronized (this) {
                out.print("> ");
                out.flush();
            }
        }
        return in.readLine();
    }

    private synchronized int sentCount() { return repliesSent; }

    /** Waits until a reply newer than {@code before} exists and nothing is still being answered. */
    private synchronized void awaitAnswer(int before) throws InterruptedException {
        long deadline = System.nanoTime() + SCRIPTED_SETTLE_TIMEOUT.toNanos();
        while ((repliesSent <= before || !stopIds.isEmpty()) && System.nanoTime() < deadline) {
            wait(100);
        }
    }

    @Override
    public PlatformLimits limits() { return limits; }

    @Override
    public synchronized CompletableFuture<String> send(OutgoingMessage message) {
        String id = "c" + (++repliesSent);
        render(id, message);
        return CompletableFuture.completedFuture(id);
    }

    @Override
    public synchronized CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        render(messageId, message);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> typing() { return CompletableFuture.completedFuture(null); }

    @Override
    public CompletableFuture<Void> delete(String messageId) { return CompletableFuture.completedFuture(null); }

    private void render(String id, OutgoingMessage message) {
        String text = message.markdown();
        boolean last = message.stopId() == null;
        String before = shown.get(id);
        if (interactive) renderLive(id, before, text);
        else renderScripted(id, before, text, last);
        shown.put(id, text);
        if (last) {
            stopIds.remove(id);
            if (interactive) out.print("\n> ");
        } else {
            stopIds.put(id, message.stopId());
        }
        lastRenderedId = id;
        out.flush();
        notifyAll();
    }

    /** On a terminal: print what was added, or erase a replaced one-line status and print the new text. */
    private void renderLive(String id, String before, String text) {
        if (before == null) {
            out.print("\r\033[K" + text);
        } else if (text.startsWith(before)) {
            out.print(text.substring(before.length()));
        } else if (id.equals(lastRenderedId) && !before.contains("\n")) {
            out.print("\r\033[K" + text);
        } else {
            out.print("\n" + text);
        }
    }

    /**
     * Scripted: a text is printed once the next version extends it (so it was not a passing status) or once it
     * is final; the answer still streams, one edit behind.
     */
    private void renderScripted(String id, String before, String text, boolean last) {
        String printed = printedScripted.getOrDefault(id, "");
        String confirmed = last ? text : before != null && text.startsWith(before) ? before : printed;
        if (confirmed.startsWith(printed)) out.print(confirmed.substring(printed.length()));
        else out.print("\n" + confirmed);
        if (last) {
            out.println();
            printedScripted.remove(id);
        } else {
            printedScripted.put(id, confirmed);
        }
    }
}
