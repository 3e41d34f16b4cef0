package dev.pocketllama.bot;

import dev.pocketllama.bot.store.ConversationStore;
import dev.pocketllama.bot.testing.ManualScheduler;
import dev.pocketllama.bot.testing.RecordingReplyPort;
import dev.pocketllama.bot.testing.ScriptedEngine;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.FinishReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BotTest {
    static final String MODELS = """
            models:
              - {name: stories, path: ../shared/models/stories260K.gguf, template: raw}
              - {name: q8, path: ../shared/models/stories260K-Q8_0.gguf, template: raw}
            admins: {telegram: ["1"]}
            """;
    static final Author ADMIN = new Author("1", "Ada", false);
    static final Author ALICE = new Author("2", "Alice", false);
    static final Author BOB = new Author("3", "Bob", false);

    final ManualScheduler clock = new ManualScheduler();
    final ScriptedEngine engine = new ScriptedEngine(ScriptedEngine.model("stories", 512), ScriptedEngine.model("q8", 512));
    Bot bot;
    int nextMessage = 100;

    Bot start(String yaml, ConversationStore store) {
        PocketLlamaConfig config = ConfigLoader.fromYaml(MODELS + yaml, Map.of());
        bot = new Bot(config, engine, store, clock, Runnable::run, null);
        return bot;
    }

    Bot start(String yaml) { return start(yaml, ConversationStore.open(":memory:")); }

    @AfterEach
    void close() {
        if (bot != null) bot.close();
    }

    RecordingReplyPort port() { return RecordingReplyPort.unpaced(); }

    InboundMessage dm(Author author, String text) {
        return new InboundMessage(Platform.TELEGRAM, author.id(), ChatKind.PRIVATE, null, author,
                String.valueOf(nextMessage++), text, null);
    }

    InboundMessage group(Author author, String text, String replyTo) {
        return new InboundMessage(Platform.TELEGRAM, "-100", ChatKind.GROUP, null, author,
                String.valueOf(nextMessage++), text, replyTo);
    }

    /** Sends a message and answers it with {@code answer}; returns the port the answer went to. */
    RecordingReplyPort exchange(InboundMessage message, String answer) {
        var port = port();
        bot.onMessage(message, port);
        var s = engine.last();
        s.started().token(answer).finish(FinishReason.STOP, "");
        return port;
    }

    static List<String> texts(List<ChatMessage> messages) {
        return messages.stream().map(m -> m.role().name().charAt(0) + ":" + m.text()).toList();
    }

    @Test
    void anAnswerStreamsFromQueuePositionToFinalText() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "Tell me a story"), port);
        var s = engine.last();
        String stopId = port.first().stopId();
        assertNotNull(stopId, "a Stop control while queued");
        s.queued(3, Duration.ofSeconds(12));
        assertEquals("⏳ queued: #3, ~12 s", port.lastText());
        s.started().token("Once").token(" upon");
        assertEquals("Once upon", port.lastText());
        assertEquals(stopId, port.first().stopId());
        assertFalse(port.calls("typing").isEmpty(), "typing while generating");
        s.token(" a time.").finish(FinishReason.STOP, "");
        assertEquals("Once upon a time.", port.lastText());
        assertNull(port.first().stopId(), "the final edit removes Stop");
        assertEquals(List.of("U:Tell me a story"), texts(s.messages()));
        assertEquals("telegram:2", s.request.userKey());
        assertTrue(bot.isBotMessage(Platform.TELEGRAM, "2", port.messageIds().getFirst()));
    }

    @Test
    void typingIsRenewedWhileGeneratingAndStopsAfter() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        var s = engine.last().started();
        clock.advance(Duration.ofSeconds(9));
        assertEquals(3, port.calls("typing").size(), "at start, then every 4 s of a 5 s indicator");
        s.finish(FinishReason.STOP, "");
        clock.advance(Duration.ofSeconds(20));
        assertEquals(3, port.calls("typing").size());
    }

    @Test
    void aPrivateChatIsOneConversationUntilReset() {
        start("conversations: {systemPrompt: Be kind.}");
        exchange(dm(ALICE, "one"), "1");
        exchange(dm(ALICE, "two"), "2");
        assertEquals(List.of("S:Be kind.", "U:one", "A:1", "U:two"), texts(engine.last().messages()));

        var port = port();
        bot.onMessage(dm(ALICE, "three"), port);
        var running = engine.last();
        var resetPort = port();
        bot.onMessage(dm(ALICE, "/reset"), resetPort);
        assertTrue(running.isFinished(), "reset cancels the running answer");
        assertEquals("⏹ stopped", port.lastText());
        assertTrue(resetPort.lastText().startsWith("🧹 New conversation"), resetPort.lastText());
        exchange(dm(ALICE, "four"), "4");
        assertEquals(List.of("S:Be kind.", "U:four"), texts(engine.last().messages()));
    }

    @Test
    void inGroupsEachReplyChainIsAConversation() {
        start("");
        var first = exchange(group(ALICE, "start A", null), "answer A");
        exchange(group(BOB, "start B", null), "answer B");
        assertEquals(List.of("U:start B"), texts(engine.last().messages()), "an unrelated message starts anew");

        exchange(group(BOB, "more A", first.messageIds().getFirst()), "answer A2");
        assertEquals(List.of("U:start A", "A:answer A", "U:more A"), texts(engine.last().messages()));
    }

    @Test
    void aThreadStartedFromAnAnswerIsOneConversationUntilReset() {
        start("");
        var answer = exchange(group(ALICE, "start", null), "first answer");
        String thread = answer.messageIds().getFirst();
        exchange(inThread(ALICE, thread, "in the thread"), "second answer");
        exchange(inThread(BOB, thread, "still here"), "third answer");
        assertEquals(List.of("U:start", "A:first answer", "U:in the thread", "A:second answer", "U:still here"),
                texts(engine.last().messages()));
        bot.onMessage(inThread(BOB, thread, "/reset"), port());
        exchange(inThread(BOB, thread, "again"), "fresh");
        assertEquals(List.of("U:again"), texts(engine.last().messages()));
    }

    /** A message in a thread whose starter is {@code thread}, as the Discord adapter reports it. */
    InboundMessage inThread(Author author, String thread, String text) {
        return new InboundMessage(Platform.TELEGRAM, "-100", ChatKind.GROUP, thread, author,
                String.valueOf(nextMessage++), text, thread);
    }

    @Test
    void channelScopeMakesTheWholeChannelOneConversation() {
        start("conversations: {groupScope: channel}");
        exchange(group(ALICE, "hello", null), "hi");
        exchange(group(BOB, "and me", null), "hi Bob");
        assertEquals(List.of("U:hello", "A:hi", "U:and me"), texts(engine.last().messages()));
    }

    @Test
    void aReplyToAnOldBotMessageContinuesAfterARestart(@TempDir Path dir) {
        String db = dir.resolve("bot.db").toString();
        start("store: {path: " + db + "}", ConversationStore.open(db));
        var answer = exchange(group(ALICE, "Who are you?", null), "A llama.");
        bot.close();

        start("store: {path: " + db + "}", ConversationStore.open(db));
        assertTrue(bot.isBotMessage(Platform.TELEGRAM, "-100", answer.messageIds().getFirst()));
        exchange(group(BOB, "Really?", answer.messageIds().getFirst()), "Yes.");
        assertEquals(List.of("U:Who are you?", "A:A llama.", "U:Really?"), texts(engine.last().messages()));
    }

    @Test
    void aReplyToAnAnswerWhoseLastEditWasUnconfirmedAtShutdownContinuesAfterARestart(@TempDir Path dir) {
        String db = dir.resolve("bot.db").toString();
        start("store: {path: " + db + "}", ConversationStore.open(db));
        var port = port();
        bot.onMessage(group(ALICE, "Who are you?", null), port);
        port.hold(true);
        engine.last().started().token("A llama.").finish(FinishReason.STOP, "");
        bot.close();
        port.release(); // the platform confirms the edits only after the bot stopped

        start("store: {path: " + db + "}", ConversationStore.open(db));
        exchange(group(BOB, "Really?", port.messageIds().getFirst()), "Yes.");
        assertEquals(List.of("U:Who are you?", "A:A llama.", "U:Really?"), texts(engine.last().messages()));
    }

    @Test
    void historyIsTrimmedToTheContextKeepingSystemPromptAndNewestTurns() {
        start("conversations: {systemPrompt: You are a llama.}\nsampling: {maxTokens: 40}");
        ScriptedEngine small = ScriptedEngine.withContext(120);
        bot.close();
        bot = new Bot(bot.config, small, ConversationStore.open(":memory:"), clock, Runnable::run, null);
        for (int i = 0; i < 12; i++) {
            bot.onMessage(dm(ALICE, "question number " + i), port());
            small.last().started().token("answer number " + i).finish(FinishReason.STOP, "");
        }
        List<ChatMessage> sent = small.last().messages();
        assertEquals("You are a llama.", sent.getFirst().text());
        assertEquals("U:question number 11", texts(sent).getLast());
        assertEquals(ChatMessage.Role.USER, sent.get(1).role(), "history starts with a question");
        int budget = 120 - 40;
        assertTrue(ScriptedEngine.tokens(sent) <= budget, ScriptedEngine.tokens(sent) + " tokens");
        var withOneMore = new java.util.ArrayList<>(sent);
        withOneMore.add(1, ChatMessage.assistant("answer number " + (12 - sent.size() / 2 - 1)));
        withOneMore.add(1, ChatMessage.user("question number " + (12 - sent.size() / 2 - 1)));
        assertTrue(ScriptedEngine.tokens(withOneMore) > budget, "keeps as many turns as fit");
    }

    @Test
    void aMessageTooLongForTheContextGetsAClearAnswer() {
        start("limits: {historyTokenBudget: 64}");
        var port = port();
        bot.onMessage(dm(ALICE, "word ".repeat(100)), port);
        assertTrue(port.lastText().startsWith("✋ Your message is 129 tokens, but the model has room for 64"),
                port.lastText());
        assertTrue(engine.submissions().isEmpty());
        exchange(dm(ALICE, "short"), "ok");
        assertEquals(List.of("U:short"), texts(engine.last().messages()), "the refused message is not in the history");
    }

    @Test
    void aMessageOverTheCharacterLimitIsRefusedClearly() {
        start("limits: {maxMessageChars: 10}");
        var port = port();
        bot.onMessage(dm(ALICE, "this is far too long"), port);
        assertEquals("✋ Your message is 20 characters; I take at most 10. Please shorten it or send it in parts. "
                + "Nothing was added to our conversation.", port.lastText());
        assertTrue(engine.submissions().isEmpty());
    }

    @Test
    void eachUserHasALimitOfWaitingRequests() {
        start("limits: {maxQueuedPerUser: 2}");
        bot.onMessage(dm(ALICE, "a"), port());
        bot.onMessage(dm(ALICE, "b"), port());
        var third = port();
        bot.onMessage(dm(ALICE, "c"), third);
        assertEquals("✋ You already have 2 requests waiting (the limit is 2); wait for the answers or /stop them.",
                third.lastText());
        assertEquals(2, engine.submissions().size());
        bot.onMessage(dm(BOB, "d"), port());
        assertEquals(3, engine.submissions().size(), "other users are not held back");
    }

    @Test
    void theEnginesRefusalIsShown() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        engine.last().finish(FinishReason.REFUSED, "the queue is full (64 requests); try again in a minute");
        assertEquals("✋ the queue is full (64 requests); try again in a minute", port.lastText());
        assertNull(port.first().stopId());
        exchange(dm(ALICE, "again"), "ok");
        assertEquals(List.of("U:again"), texts(engine.last().messages()), "the refused turn is not history");
    }

    @Test
    void aFailureIsOneVisibleLine() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        engine.last().started().token("Partial").finish(FinishReason.ERROR, "out of memory\n\tat somewhere");
        assertEquals("Partial\n\n⚠️ error: out of memory", port.lastText());
    }

    @Test
    void stopByTheAskerOrAnAdminOnly() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        String stopId = port.first().stopId();
        engine.last().started().token("Once");
        assertEquals(StopOutcome.NOT_ALLOWED, bot.onStop(Platform.TELEGRAM, stopId, BOB));
        assertFalse(engine.last().isFinished());
        assertEquals(StopOutcome.STOPPED, bot.onStop(Platform.TELEGRAM, stopId, ALICE));
        assertEquals("Once\n\n⏹ stopped", port.lastText());
        assertEquals(StopOutcome.ALREADY_FINISHED, bot.onStop(Platform.TELEGRAM, stopId, ALICE));

        var bobsPort = port();
        bot.onMessage(dm(BOB, "hi"), bobsPort);
        var bobs = engine.last();
        assertEquals(StopOutcome.STOPPED, bot.onStop(Platform.TELEGRAM, bobsPort.first().stopId(), ADMIN));
        assertTrue(bobs.isFinished(), "an admin may stop anyone's answer");
    }

    @Test
    void stopCommandCancelsOwnAnswersWhileQueued() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        engine.last().queued(2, Duration.ofSeconds(3));
        var stopPort = port();
        bot.onMessage(dm(ALICE, "/stop"), stopPort);
        assertEquals("⏹ Stopped 1 answer.", stopPort.lastText());
        assertEquals("⏹ stopped", port.lastText());
        var again = port();
        bot.onMessage(dm(ALICE, "/stop"), again);
        assertEquals("Nothing of yours to stop here.", again.lastText());
    }

    @Test
    void deletingTheReplyMessageCancelsIt() {
        start("");
        var port = port();
        bot.onMessage(dm(ALICE, "hi"), port);
        engine.last().started().token("Once");
        bot.onMessageDeleted(Platform.TELEGRAM, "2", port.messageIds().getFirst());
        assertTrue(engine.last().isFinished());
        assertEquals(FinishReason.CANCELLED, engine.last().finished().join().reason());
    }

    @Test
    void allowListsKeepOthersOutButNotAdmins() {
        start("allow: {telegramUsers: ['2']}");
        var bob = port();
        bot.onMessage(dm(BOB, "hi"), bob);
        assertTrue(bob.lastText().startsWith("⛔ This bot is not open to you here"), bob.lastText());
        assertTrue(engine.submissions().isEmpty());
        bot.onMessage(dm(ADMIN, "hi"), port());
        bot.onMessage(dm(ALICE, "hi"), port());
        assertEquals(2, engine.submissions().size());
    }

    @Test
    void onlyAdminsSwitchModelsAndTheSwitchShowsProgress() {
        start("");
        var refused = port();
        bot.onMessage(dm(ALICE, "/model q8"), refused);
        assertEquals("⛔ Only admins can switch models; the active model is stories.", refused.lastText());
        assertEquals("stories", engine.activeModel().name());

        var typo = port();
        bot.onMessage(dm(ADMIN, "/model q9"), typo);
        assertEquals("❓ There is no model named q9 (did you mean 'q8'?).", typo.lastText());

        var port = new RecordingReplyPort(new PlatformLimits(4000, Duration.ZERO, Duration.ofSeconds(5)), clock::now);
        port.hold(true);
        bot.onMessage(dm(ADMIN, "/model q8"), port);
        port.hold(false);
        port.release();
        List<String> shown = port.calls().stream().map(c -> c.message().markdown()).toList();
        assertEquals("⏳ Switching to q8…", shown.getFirst());
        assertEquals("✅ Now using q8 (context 512 tokens).", port.lastText());
        assertEquals("q8", engine.activeModel().name());

        engine.failNextSwitch("tensor blk.0.attn_q.weight is truncated");
        var failed = port();
        bot.onMessage(dm(ADMIN, "/model stories"), failed);
        assertEquals("⚠️ Could not switch to stories: tensor blk.0.attn_q.weight is truncated. Still using q8.",
                failed.lastText());
    }

    @Test
    void modelsAndStatusShowWhatTheEngineReports() {
        start("");
        var models = port();
        bot.onMessage(dm(ALICE, "/models"), models);
        assertEquals("""
                Models:
                ▶ stories — 1.2 MB, F32 100%, context 512 tokens, template raw (active)
                • q8 — 1.2 MB, F32 100%, context 512 tokens, template raw""", models.lastText());
        var status = port();
        bot.onMessage(dm(ALICE, "/status"), status);
        assertEquals("""
                Model: stories
                Queue: 0 waiting, 0 being answered
                Speed: 12.5 tokens/s over the last minute
                Prompt cache hits: 25%
                Memory: 150.0 MB""", status.lastText());
        engine.setWarmingUp(true);
        var warming = port();
        bot.onMessage(dm(ALICE, "/status"), warming);
        assertTrue(warming.lastText().startsWith("Model: stories (warming up: the first replies come more slowly)\nQueue:"),
                warming.lastText());
        var current = port();
        bot.onMessage(dm(ALICE, "/model"), current);
        assertEquals("The active model is stories. Models: stories, q8. Admins switch with /model NAME.", current.lastText());
        assertEquals(List.of("stories", "q8"), bot.modelNames());
    }

    @Test
    void onlyAdminsSetTheSystemPrompt() {
        start("");
        var refused = port();
        bot.onMessage(dm(ALICE, "/system Talk like a pirate."), refused);
        assertEquals("⛔ Only admins can set the system prompt.", refused.lastText());
        bot.onMessage(dm(ADMIN, "/system Talk like a pirate."), port());
        exchange(dm(ADMIN, "hello"), "Arr");
        assertEquals(List.of("S:Talk like a pirate.", "U:hello"), texts(engine.last().messages()));
        var shown = port();
        bot.onMessage(dm(ADMIN, "/system"), shown);
        assertEquals("The system prompt here is:\nTalk like a pirate.", shown.lastText());
        bot.onMessage(dm(ADMIN, "/system reset"), port());
        var none = port();
        bot.onMessage(dm(ADMIN, "/system"), none);
        assertEquals("There is no system prompt here.", none.lastText());
    }

    @Test
    void helpAndUnknownCommands() {
        start("");
        var help = port();
        bot.onMessage(dm(ALICE, "/help"), help);
        assertEquals(CommandHandler.HELP, help.lastText());
        var unknown = port();
        bot.onMessage(dm(ALICE, "/dance"), unknown);
        assertEquals("❓ I don't know /dance. Try /help.", unknown.lastText());
    }

    @Test
    void samplingComesFromTheConfigWithTheActiveModelsOverrides() {
        PocketLlamaConfig config = ConfigLoader.fromYaml("""
                models:
                  - {name: stories, path: ../shared/models/stories260K.gguf, sampling: {temperature: 0, maxTokens: 20}}
                sampling: {temperature: 0.5, topK: 11, seed: 7, maxTokens: 99}
                """, Map.of());
        bot = new Bot(config, engine, ConversationStore.open(":memory:"), clock, Runnable::run, null);
        exchange(dm(ALICE, "x"), "y");
        assertEquals(0.0, engine.last().request.sampling().temperature());
        assertEquals(11, engine.last().request.sampling().topK());
        assertEquals(7, engine.last().request.sampling().seed());
        assertEquals(20, engine.last().request.maxTokens());
    }
}
