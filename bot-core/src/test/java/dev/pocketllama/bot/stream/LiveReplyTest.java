package dev.pocketllama.bot.stream;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.RateLimitedException;
import dev.pocketllama.bot.testing.ManualScheduler;
import dev.pocketllama.bot.testing.RecordingReplyPort;
import dev.pocketllama.bot.testing.RecordingReplyPort.Call;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveReplyTest {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    final ManualScheduler clock = new ManualScheduler();
    final List<List<String>> delivered = new ArrayList<>();
    final List<Throwable> undeliverable = new ArrayList<>();

    RecordingReplyPort port(int maxChars) {
        return new RecordingReplyPort(new PlatformLimits(maxChars, INTERVAL, Duration.ofSeconds(5)), clock::now);
    }

    LiveReply reply(RecordingReplyPort port) {
        return new LiveReply(port, clock, new EditPacer(port.limits().minEditInterval()), new LiveReply.Listener() {
            @Override public void onDelivered(List<String> ids) { delivered.add(ids); }
            @Override public void onUndeliverable(Throwable error) { undeliverable.add(error); }
        });
    }

    private static List<String> texts(List<Call> calls) {
        return calls.stream().map(c -> c.message().markdown()).toList();
    }

    @Test
    void editsNeverComeFasterThanThePlatformsPace() {
        var port = port(4000);
        var reply = reply(port);
        var text = new StringBuilder();
        for (int step = 0; step < 50; step++) {
            text.append("w").append(step).append(' ');
            reply.show(text.toString(), "stop-1");
            clock.advance(Duration.ofMillis(130));
        }
        reply.finish(text + "end");
        clock.advance(Duration.ofSeconds(3));
        List<Call> calls = port.calls().stream().filter(c -> !c.kind().equals("typing")).toList();
        for (int i = 1; i < calls.size(); i++) {
            Duration gap = Duration.between(calls.get(i - 1).at(), calls.get(i).at());
            assertTrue(gap.compareTo(INTERVAL) >= 0, "calls " + (i - 1) + " and " + i + " only " + gap + " apart");
        }
        assertTrue(calls.size() >= 6 && calls.size() <= 9, "about one call a second over 6.5 s, got " + calls.size());
        assertEquals(text + "end", port.lastText());
    }

    @Test
    void aNewerTextReplacesOneNotYetSent() {
        var port = port(4000);
        var reply = reply(port);
        reply.show("a", "s");
        reply.show("ab", "s");
        reply.show("abc", "s");
        reply.show("abcd", "s");
        clock.advance(INTERVAL);
        assertEquals(List.of("a"), texts(port.calls("send")));
        assertEquals(List.of("abcd"), texts(port.calls("edit")));
    }

    @Test
    void neverMoreThanOneCallInFlight() {
        var port = port(4000);
        port.hold(true);
        var reply = reply(port);
        reply.show("first", "s");
        for (int i = 0; i < 5; i++) {
            clock.advance(INTERVAL);
            reply.show("first and " + i, "s");
            clock.advance(INTERVAL);
            assertEquals(1, port.heldCalls(), "one call waits for the platform at a time");
            port.release();
        }
        assertEquals(1, port.maxInFlight());
        reply.finish("the end");
        clock.advance(INTERVAL);
        port.hold(false);
        port.release();
        clock.advance(INTERVAL);
        assertEquals("the end", port.lastText());
    }

    @Test
    void finalEditLandsWithoutStopControlAndReportsTheMessages() {
        var port = port(4000);
        var reply = reply(port);
        reply.show("⏳ queued: #2, ~4 s", "stop-7");
        assertEquals("stop-7", port.first().stopId());
        reply.finish("Once upon a time.");
        assertTrue(delivered.isEmpty(), "the final edit waits for its turn");
        clock.advance(INTERVAL);
        assertEquals(new OutgoingMessage("Once upon a time.", null), port.first());
        assertEquals(List.of(port.messageIds()), delivered);
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void rateLimitIsObeyedAndTheNewestTextFollows() {
        var port = port(4000);
        var reply = reply(port);
        reply.show("one", "s");
        port.failNext(new RateLimitedException(Duration.ofSeconds(5)));
        reply.show("one two", "s");
        clock.advance(INTERVAL);
        assertEquals(1, port.calls("edit").size(), "the refused edit");
        reply.show("one two three", "s");
        clock.advance(Duration.ofSeconds(4));
        assertEquals(1, port.calls("edit").size(), "nothing before retry_after has passed");
        reply.finish("one two three four");
        clock.advance(Duration.ofMillis(1000));
        List<Call> edits = port.calls("edit");
        assertEquals(2, edits.size());
        assertEquals("one two three four", edits.get(1).message().markdown());
        assertTrue(Duration.between(edits.get(0).at(), edits.get(1).at()).compareTo(Duration.ofSeconds(5)) >= 0);
        assertEquals(1, delivered.size());
    }

    @Test
    void aFailedEditIsRetriedOnceThenSkipped() {
        var port = port(4000);
        var reply = reply(port);
        reply.show("draft", "s");
        port.failNext(new IllegalStateException("Bad Request: can't parse entities"));
        reply.show("draft *two", "s");
        clock.advance(INTERVAL);
        clock.advance(INTERVAL);
        assertEquals(List.of("draft *two", "draft *two"), texts(port.calls("edit")), "retried once");
        assertEquals("draft *two", port.lastText());

        port.failNext(new IllegalStateException("no"));
        port.failNext(new IllegalStateException("no"));
        reply.finish("final");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1, delivered.size(), "gives up after the retry instead of looping");
    }

    @Test
    void longRepliesContinueInNewMessagesAndOnlyTheLastHasStop() {
        var port = port(60);
        var reply = reply(port);
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(5);
        reply.show(text, "stop-1");
        clock.advance(Duration.ofSeconds(10));
        List<String> ids = port.messageIds();
        assertEquals(MessageSplitter.split(text, 60).size(), ids.size());
        for (String id : ids.subList(0, ids.size() - 1)) assertNull(port.message(id).stopId());
        assertEquals("stop-1", port.message(ids.getLast()).stopId());
        reply.finish(text + "The end.");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(MessageSplitter.split(text + "The end.", 60), port.texts());
        assertTrue(port.settled());
        assertEquals(List.of(port.messageIds()), delivered);
    }

    @Test
    void codeBlocksAreNotBrokenAcrossMessages() {
        var port = port(80);
        var reply = reply(port);
        var text = new StringBuilder("Sure:\n```js\n");
        for (int i = 0; i < 20; i++) text.append("log(").append(i).append(");\n");
        reply.finish(text.append("```").toString());
        clock.advance(Duration.ofSeconds(20));
        for (String part : port.texts()) {
            assertEquals(0, part.lines().filter(l -> l.startsWith("```")).count() % 2, part);
        }
        assertTrue(port.texts().size() > 2);
    }

    @Test
    void aPlaceholderThePlatformRefusesTwiceIsReported() {
        var port = port(4000);
        var reply = reply(port);
        port.failNext(new IllegalStateException("chat not found"));
        port.failNext(new IllegalStateException("chat not found"));
        reply.show("⏳", "s");
        clock.advance(INTERVAL);
        assertEquals(1, undeliverable.size());
        assertEquals("chat not found", undeliverable.getFirst().getMessage());
    }
}
