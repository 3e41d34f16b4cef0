package dev.pocketllama.discord;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.testing.ScriptedEngine;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import dev.pocketllama.discord.fake.RestCall;
import dev.pocketllama.inference.api.FinishReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.pocketllama.discord.DiscordPlumbingTest.assertNoMentionsAllowed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming as users see it, with the real JDA, the real bot-core and bot-core's scripted engine (for answers a
 * tiny model cannot give, token by token as the test says): what is sent, how edits are paced, rate limits, Stop,
 * long answers and mentions in model output.
 */
class DiscordStreamingTest {
    private final FakeDiscord discord = FakeDiscord.start();
    private final FakeUser ann = discord.user("Ann");
    private final ScriptedEngine engine = ScriptedEngine.withContext(4096);
    private Bot bot;
    private DiscordAdapter adapter;

    @TempDir
    Path dir;

    private void start() {
        var config = TestConfigs.forFake(discord, dir.resolve("store.db"), List.of(), true);
        bot = Bot.start(config, engine);
        adapter = DiscordAdapter.start(config, bot);
    }

    @AfterEach
    void stop() {
        if (adapter != null) adapter.close();
        if (bot != null) bot.close();
        engine.close();
        discord.close();
    }

    /** The request bot-core submitted for the n-th question (1-based), started, for the test to feed tokens. */
    private ScriptedEngine.Submission started(int n) {
        Eventually.until("request " + n + " reaches the engine", () -> engine.submissions().size() >= n);
        return engine.submissions().get(n - 1).queued(1, Duration.ZERO).started();
    }

    /** Feeds words one by one, each once the reply shows the text so far, so the reply grows over several edits. */
    private void feedVisibly(ScriptedEngine.Submission submission, String word, int count) {
        for (int i = 1; i <= count; i++) {
            submission.token(word);
            String soFar = word.repeat(i).strip();
            Eventually.until("the reply shows " + soFar.length() + " chars", () -> discord.botMessages(discord.channelId)
                    .stream().anyMatch(m -> m.path("content").asText().strip().equals(soFar)));
        }
    }

    /** The bot's answer to a message, once its last message shows no Stop button and ends with {@code end}. */
    private List<JsonNode> finalAnswer(String end) {
        return Eventually.value("the answer ending in \"" + end + "\"", () -> {
            List<JsonNode> messages = discord.botMessages(discord.channelId);
            if (messages.isEmpty()) return null;
            JsonNode last = messages.getLast();
            boolean done = last.path("components").isEmpty() && last.path("content").asText().strip().endsWith(end.strip());
            return done ? messages : null;
        });
    }

    private List<RestCall> botWrites() {
        return discord.calls().stream().filter(call -> call.path().matches("/channels/\\d+/messages.*|/webhooks/.*")
                && !call.method().equals("DELETE")).toList();
    }

    @Test
    void modelOutputSayingEveryonePingsNoOne() {
        engine.answerWith(request -> "@everyone look");
        start();
        String question = discord.mention(ann, "say it");

        List<JsonNode> answer = finalAnswer("@everyone look");

        assertEquals("@everyone look", answer.getLast().path("content").asText().strip());
        assertEquals(question, answer.getFirst().path("message_reference").path("message_id").asText());
        List<RestCall> writes = botWrites();
        assertFalse(writes.isEmpty());
        writes.forEach(call -> assertNoMentionsAllowed(call.body()));
    }

    @Test
    void aFiveThousandCharacterAnswerArrivesSplitIntoValidMessages() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 600; i++) text.append("word").append(i % 10).append("... ");
        String full = text.toString().strip();
        assertTrue(full.length() >= 5000);
        engine.answerWith(request -> full);
        start();
        discord.mention(ann, "a long one");

        List<JsonNode> answer = finalAnswer("word9...");

        assertTrue(answer.size() >= 3, answer.size() + " messages");
        for (JsonNode message : answer) {
            String content = message.path("content").asText();
            assertTrue(!content.isBlank() && content.length() <= 2000, content.length() + " chars");
        }
        String shown = answer.stream().map(m -> m.path("content").asText()).collect(Collectors.joining());
        assertEquals(full.replaceAll("\\s", ""), shown.replaceAll("\\s", ""));
        botWrites().forEach(call -> assertTrue(call.content() == null || call.content().length() <= 2000));
    }

    @Test
    void editsOfOneMessageNeverOverlapAndKeepTheConfiguredPace() {
        start();
        discord.mention(ann, "tell me a story");
        var submission = started(1);
        feedVisibly(submission, "story ", 4);
        for (int i = 0; i < 20; i++) submission.token("story "); // faster than the pace: coalesced
        submission.finish(FinishReason.STOP, "");

        List<JsonNode> answer = finalAnswer("story ".repeat(24));
        String id = answer.getFirst().path("id").asText();
        List<RestCall> edits = discord.calls("PATCH", "/channels/\\d+/messages/" + id);

        assertTrue(edits.size() >= 3, "growing edits: " + edits.size());
        List<Integer> lengths = edits.stream().map(e -> e.content().length()).toList();
        assertEquals(lengths.stream().sorted().toList(), lengths, "each edit shows more");
        // jitter of the loopback transport is the only slack; a missing pace shows up as gaps of a few ms
        long minGapNanos = Duration.ofMillis(TestConfigs.EDIT_INTERVAL_MILLIS * 3L / 4).toNanos();
        for (int i = 1; i < edits.size(); i++) {
            RestCall before = edits.get(i - 1), after = edits.get(i);
            assertTrue(after.receivedNanos() >= before.finishedNanos(), "edit " + i + " overlaps the one before");
            long gap = after.receivedNanos() - before.receivedNanos();
            assertTrue(gap >= minGapNanos, "edit " + i + " came " + gap / 1_000_000 + " ms after the one before");
        }
    }

    @Test
    void aRateLimitIsObeyedAndTheFinalTextStillArrives() {
        start();
        discord.rateLimitNext("PATCH", "/channels/\\d+/messages/\\d+", 2);
        discord.mention(ann, "count");
        var submission = started(1);
        submission.token("tick ");
        Eventually.until("the first edit is refused", () -> discord.calls().stream().anyMatch(c -> c.status() == 429));
        for (int i = 0; i < 9; i++) submission.token("tick ");
        submission.finish(FinishReason.STOP, "");

        List<JsonNode> answer = finalAnswer("tick ".repeat(10));

        assertEquals("tick ".repeat(10).strip(), answer.getLast().path("content").asText().strip());
        List<RestCall> edits = discord.calls("PATCH", "/channels/\\d+/messages/\\d+");
        int limited = edits.stream().map(RestCall::status).toList().indexOf(429);
        assertTrue(limited >= 0 && limited < edits.size() - 1, "a 429 and then more edits");
        long waitedNanos = edits.get(limited + 1).receivedNanos() - edits.get(limited).finishedNanos();
        assertTrue(waitedNanos >= Duration.ofMillis(1900).toNanos(), "retried after " + waitedNanos / 1_000_000 + " ms");
    }

    @Test
    void stopCancelsFromTheAskerAndIsRefusedToSomeoneElse() {
        start();
        discord.mention(ann, "never stop");
        var submission = started(1);
        submission.token("and on ");
        JsonNode withButton = Eventually.value("a Stop button", () -> discord.botMessages(discord.channelId).stream()
                .filter(m -> m.findValue("custom_id") != null).findFirst().orElse(null));
        String id = withButton.path("id").asText();
        String customId = withButton.findValue("custom_id").asText();

        var eve = discord.pressButton(discord.user("Eve"), id, customId);
        Eventually.until("Eve is answered", () -> discord.callback(eve).isPresent());
        assertEquals(64, discord.callback(eve).orElseThrow().path("data").path("flags").asInt() & 64, "only Eve sees it");

        var asker = discord.pressButton(ann, id, customId);
        Eventually.until("Ann is answered", () -> discord.callback(asker).isPresent());
        Eventually.until("bot-core's final edit, without the button", () -> {
            List<RestCall> edits = discord.calls("PATCH", "/channels/\\d+/messages/" + id);
            return !edits.isEmpty() && edits.getLast().body().path("components").isEmpty();
        });
        assertTrue(submission.isFinished(), "the generation was cancelled");
    }

    @Test
    void askIsDeferredAtOnceAndStreamedIntoTheReply() {
        start();
        var ask = discord.slashCommand(ann, "ask", Map.of("prompt", "via a command"));
        var submission = started(1);
        Eventually.until("the interaction is acknowledged", () -> discord.callback(ask).isPresent());
        assertEquals(5, discord.callback(ask).orElseThrow().path("type").asInt(), "deferred");
        submission.token("slash ");
        Eventually.until("the first text", () -> discord.originalResponse(ask).flatMap(discord::message)
                .map(m -> m.path("content").asText().strip().equals("slash")).orElse(false));
        submission.token("command").finish(FinishReason.STOP, "");

        Eventually.until("the final text", () -> discord.originalResponse(ask).flatMap(discord::message)
                .map(m -> m.path("components").isEmpty() && m.path("content").asText().strip().equals("slash command"))
                .orElse(false));

        List<RestCall> writes = botWrites();
        List<RestCall> edits = discord.calls("PATCH", "/webhooks/\\d+/[^/]+/messages/@original");
        assertTrue(edits.size() >= 2, "streamed as edits: " + edits.size());
        RestCall deferral = discord.calls("POST", "/interactions/.*/callback").getFirst();
        assertTrue(deferral.finishedNanos() <= edits.getFirst().receivedNanos(), "deferred before the first edit");
        writes.forEach(call -> assertNoMentionsAllowed(call.body()));
    }

    @Test
    void anUnrelatedMessageIsIgnored() {
        engine.answerWith(request -> "hi");
        start();
        String unrelated = discord.post(ann, discord.channelId, "talking to friends");
        String question = discord.mention(ann, "hello");

        List<JsonNode> answer = finalAnswer("hi");

        assertEquals(1, answer.size());
        assertEquals(question, answer.getFirst().path("message_reference").path("message_id").asText());
        assertTrue(discord.calls().stream().noneMatch(call -> call.body().toString().contains(unrelated)));
    }
}
