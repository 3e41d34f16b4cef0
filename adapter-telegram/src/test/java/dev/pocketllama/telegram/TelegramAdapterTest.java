package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.testing.ScriptedEngine;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.FinishReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Telegram path (fake Bot API, real TelegramBots client, adapter, real Bot with its SQLite store) with
 * bot-core's scripted engine as the model, for what needs a reply the test controls: a reply that runs until it is
 * stopped, one of 10,000 characters, Markdown full of markup characters, a paced stream of tokens.
 */
class TelegramAdapterTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final FakeTelegram.User ALICE = new FakeTelegram.User(501, "Alice");
    static final FakeTelegram.User BOB = new FakeTelegram.User(502, "Bob");
    static final FakeTelegram.User ADA_ADMIN = new FakeTelegram.User(900, "Ada");
    static final long GROUP = -1001234;
    static final int EDIT_INTERVAL_MILLIS = 300;
    static final int GROUP_EDIT_INTERVAL_MILLIS = 500;
    // Arrival times at the server differ from send times by scheduling on a loaded machine.
    static final long JITTER_MILLIS = 60;

    @TempDir
    Path dir;
    final FakeTelegram telegram = FakeTelegram.start();
    Bot bot;
    TelegramAdapter adapter;

    @AfterEach
    void stop() {
        if (adapter != null) adapter.close();
        if (bot != null) bot.close();
        telegram.close();
    }

    PocketLlamaConfig config() {
        String yaml = """
                models:
                  - name: stories
                    path: ../shared/models/stories260K.gguf
                    template: raw
                  - name: stories-q8
                    path: ../shared/models/stories260K-Q8_0.gguf
                    template: raw
                sampling:
                  temperature: 0
                  maxTokens: 200
                admins:
                  telegram: ["900"]
                telegram:
                  enabled: true
                  token: ${TELEGRAM_TOKEN}
                  apiUrl: %s
                  pollingTimeoutSeconds: 2
                store:
                  path: %s
                streaming:
                  telegramEditIntervalMillis: %d
                  telegramGroupEditIntervalMillis: %d
                """.formatted(telegram.apiUrl(), dir.resolve("conversations.db"), EDIT_INTERVAL_MILLIS,
                GROUP_EDIT_INTERVAL_MILLIS);
        return ConfigLoader.fromYaml(yaml, Map.of("TELEGRAM_TOKEN", FakeTelegram.TOKEN));
    }

    void startBot(dev.pocketllama.inference.api.Engine engine) {
        PocketLlamaConfig config = config();
        bot = Bot.start(config, engine);
        adapter = TelegramAdapter.start(config, bot);
    }

    /** The bot's answer to a message once it is complete: the reply's messages no longer carry a Stop button. */
    List<FakeTelegram.Shown> finalReplies(long chatId, int questionId) {
        return telegram.await("the complete answer to message " + questionId, PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(chatId, questionId);
            return !replies.isEmpty() && replies.stream().noneMatch(FakeTelegram.Shown::hasButtons) ? replies : null;
        });
    }

    String finalText(long chatId, int questionId) {
        List<FakeTelegram.Shown> replies = finalReplies(chatId, questionId);
        assertEquals(1, replies.size(), () -> "one message expected: " + replies);
        return replies.getFirst().text();
    }

    ScriptedEngine.Submission awaitSubmission(ScriptedEngine engine, int count) {
        return telegram.await(count + " requests to the engine", PATIENCE,
                () -> engine.submissions().size() >= count ? engine.submissions().get(count - 1) : null);
    }

    @Test
    void inAGroupOnlyMentionsRepliesAndCommandsAreAnsweredAndReplyTreesSurviveARestart() {
        AtomicInteger answers = new AtomicInteger();
        ScriptedEngine engine = ScriptedEngine.withContext(2048)
                .answerWith(request -> "Answer number " + answers.incrementAndGet() + ".");
        startBot(engine);

        int chatter = telegram.groupMessage(GROUP, BOB, "just chatting, not for the bot");
        int question = telegram.groupMessage(GROUP, BOB, "@pocket_llama_bot tell me a story");
        assertEquals("Answer number 1.", finalText(GROUP, question));
        assertTrue(telegram.repliesTo(GROUP, chatter).isEmpty(), "a message without a mention is ignored");
        assertEquals(List.of(ChatMessage.user("tell me a story")), dialogue(engine.last()));

        int firstAnswer = telegram.repliesTo(GROUP, question).getFirst().messageId();
        int followUp = telegram.groupReply(GROUP, ALICE, "and then?", firstAnswer);
        assertEquals("Answer number 2.", finalText(GROUP, followUp));
        assertEquals(List.of(ChatMessage.user("tell me a story"), ChatMessage.assistant("Answer number 1."),
                ChatMessage.user("and then?")), dialogue(engine.last()));

        adapter.close();
        bot.close();
        startBot(engine);

        int secondAnswer = telegram.repliesTo(GROUP, followUp).getFirst().messageId();
        int afterRestart = telegram.groupReply(GROUP, BOB, "what happened next?", secondAnswer);
        assertEquals("Answer number 3.", finalText(GROUP, afterRestart));
        assertEquals(List.of(ChatMessage.user("tell me a story"), ChatMessage.assistant("Answer number 1."),
                ChatMessage.user("and then?"), ChatMessage.assistant("Answer number 2."),
                ChatMessage.user("what happened next?")), dialogue(engine.last()));

        int command = telegram.groupMessage(GROUP, BOB, "/status");
        assertTrue(finalText(GROUP, command).startsWith("Model: stories"), "a command needs no mention");
        assertEquals(3, engine.submissions().size());
        assertEquals(List.of(), telegram.errors());
    }

    private static List<ChatMessage> dialogue(ScriptedEngine.Submission submission) {
        return submission.messages().stream().filter(m -> m.role() != ChatMessage.Role.SYSTEM).toList();
    }

    @Test
    void stopCancelsForTheAskerAndIsRefusedToSomeoneElse() {
        ScriptedEngine engine = ScriptedEngine.withContext(2048);
        startBot(engine);

        int question = telegram.groupMessage(GROUP, ALICE, "@pocket_llama_bot write forever");
        ScriptedEngine.Submission generation = awaitSubmission(engine, 1);
        generation.started().token("Once upon a time");
        FakeTelegram.Shown streaming = telegram.await("the streamed text with a Stop button", PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(GROUP, question);
            return !replies.isEmpty() && replies.getFirst().text().equals("Once upon a time")
                    && replies.getFirst().hasButtons() ? replies.getFirst() : null;
        });
        String data = streaming.replyMarkup().at("/inline_keyboard/0/0/callback_data").asText();

        String bobsPress = telegram.pressButton(BOB, GROUP, streaming.messageId(), data);
        assertEquals("Only the person who asked (or an admin) can stop this.", callbackAnswer(bobsPress));
        assertFalse(generation.isFinished());

        String alicesPress = telegram.pressButton(ALICE, GROUP, streaming.messageId(), data);
        assertEquals("Stopped", callbackAnswer(alicesPress));
        assertEquals(FinishReason.CANCELLED, generation.finished().join().reason());
        assertEquals("Once upon a time\n\n⏹ stopped", finalText(GROUP, question));
    }

    private String callbackAnswer(String callbackQueryId) {
        return telegram.await("the answer to button press " + callbackQueryId, PATIENCE,
                () -> telegram.calls("answercallbackquery").stream()
                        .filter(c -> callbackQueryId.equals(c.text("callback_query_id")))
                        .map(c -> c.text("text")).findFirst().orElse(null));
    }

    @Test
    void onlyAnAdminSwitchesTheModel() {
        ScriptedEngine engine = new ScriptedEngine(ScriptedEngine.model("stories", 512),
                ScriptedEngine.model("stories-q8", 512));
        startBot(engine);

        int refused = telegram.privateMessage(BOB, "/model stories-q8");
        assertTrue(finalText(BOB.id(), refused).startsWith("⛔ Only admins can switch models"));
        assertEquals("stories", engine.activeModel().name());

        int switched = telegram.privateMessage(ADA_ADMIN, "/model stories-q8");
        String done = telegram.await("the switch to complete", PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(ADA_ADMIN.id(), switched);
            return !replies.isEmpty() && replies.getFirst().text().startsWith("✅") ? replies.getFirst().text() : null;
        });
        assertTrue(done.startsWith("✅ Now using stories-q8"), done);
        assertEquals("stories-q8", engine.activeModel().name());
    }

    @Test
    void aTenThousandCharacterAnswerArrivesAsSeveralValidMessages() {
        String paragraph = "The quick brown llama jumps over the lazy dog, again and again. ";
        String answer = (paragraph.repeat(12) + "\n\n").repeat(13).strip();
        assertTrue(answer.length() >= 10_000);
        startBot(ScriptedEngine.withContext(2048).answerWith(request -> answer));

        int question = telegram.privateMessage(ALICE, "Tell me everything");
        // While it streams, a filled message loses its Stop button before the next one exists: wait for the text.
        List<FakeTelegram.Shown> parts = telegram.await("the whole answer", PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = finalReplies(ALICE.id(), question);
            String shown = replies.stream().map(FakeTelegram.Shown::text).collect(Collectors.joining());
            return withoutSpace(shown).equals(withoutSpace(answer)) ? replies : null;
        });

        assertTrue(parts.size() >= 3, "10,000 characters need at least three Telegram messages");
        parts.forEach(part -> assertTrue(part.text().length() <= 4096, "a message over 4,096 characters"));
        assertEquals(List.of(), telegram.errors());
    }

    private static String withoutSpace(String text) {
        return text.replaceAll("\\s+", "");
    }

    @Test
    void markdownWithMarkupCharactersAndStrayStarsArrivesWithoutATelegramError() {
        String answer = "Use **bold** for <b>tags</b> & entities like &amp; — but 2 * 3 < 7, `a<b && c`, and *oops";
        startBot(ScriptedEngine.withContext(2048).answerWith(request -> answer));

        int question = telegram.privateMessage(ALICE, "Show me some markup");
        assertEquals("Use bold for <b>tags</b> & entities like &amp; — but 2 * 3 < 7, a<b && c, and *oops",
                finalText(ALICE.id(), question));
        assertEquals(List.of(), telegram.errors());
        String lastHtml = telegram.calls("editmessagetext").getLast().text("text");
        assertTrue(lastHtml.contains("<b>bold</b>") && lastHtml.contains("<code>a&lt;b &amp;&amp; c</code>"), lastHtml);
    }

    @Test
    void streamedEditsKeepTheChatsPaceAndWaitOutA429() throws Exception {
        ScriptedEngine engine = ScriptedEngine.withContext(4096);
        startBot(engine);
        telegram.rateLimitNext("editmessagetext", 1);

        int question = telegram.privateMessage(ALICE, "Count slowly");
        ScriptedEngine.Submission generation = awaitSubmission(engine, 1);
        generation.started();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            String token = i + " ";
            expected.append(token);
            generation.token(token);
            Thread.sleep(25); // a model writing at 40 tokens/s; not an assertion
        }
        generation.finish(FinishReason.STOP, "");

        assertEquals(expected.toString().strip(), finalText(ALICE.id(), question).strip());
        int messageId = telegram.repliesTo(ALICE.id(), question).getFirst().messageId();
        List<FakeTelegram.Call> edits = telegram.calls("editmessagetext").stream()
                .filter(c -> c.messageId() == messageId).toList();
        assertTrue(edits.size() >= 3, "the answer streamed in several edits: " + edits.size());
        for (int i = 1; i < edits.size(); i++) {
            long gapMillis = (edits.get(i).arrivedNanos() - edits.get(i - 1).arrivedNanos()) / 1_000_000;
            long least = i == 1 ? 1000 : EDIT_INTERVAL_MILLIS; // the first edit got a 429 asking for 1 s
            assertTrue(gapMillis >= least - JITTER_MILLIS, "edit " + i + " came " + gapMillis + " ms after the previous");
        }
        List<Integer> lengths = edits.stream().skip(1).map(c -> c.shownText().length()).toList();
        for (int i = 1; i < lengths.size(); i++) {
            assertTrue(lengths.get(i) >= lengths.get(i - 1), "texts grow: " + lengths);
        }
        assertEquals(List.of("editmessagetext: Too Many Requests: retry after 1"), telegram.errors());
    }
}
