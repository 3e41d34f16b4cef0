package dev.pocketllama.telegram;

import static dev.pocketllama.telegram.TelegramBotHarness.ALICE;
import static dev.pocketllama.telegram.TelegramBotHarness.BOB;
import static dev.pocketllama.telegram.TelegramBotHarness.EDIT_INTERVAL_MILLIS;
import static dev.pocketllama.telegram.TelegramBotHarness.JITTER_MILLIS;
import static dev.pocketllama.telegram.TelegramBotHarness.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pocketllama.bot.testing.ScriptedEngine;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.FinishReason;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Telegram path (fake Bot API, real TelegramBots client, adapter, real Bot with its SQLite store) with
 * bot-core's scripted engine as the model, for what needs a reply the test controls: the exact conversation the
 * model is shown, a reply that runs until it is stopped, 10,000 characters, Markdown full of markup characters, a
 * paced stream of tokens.
 */
class TelegramAdapterTest {

    static final long GROUP = -1001234;

    @TempDir
    Path dir;
    TelegramBotHarness harness;
    FakeTelegram telegram;

    @BeforeEach
    void start() {
        harness = new TelegramBotHarness(dir);
        telegram = harness.telegram;
    }

    @AfterEach
    void stop() {
        harness.close();
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
        harness.start(engine);

        int chatter = telegram.groupMessage(GROUP, BOB, "just chatting, not for the bot");
        int question = telegram.groupMessage(GROUP, BOB, "@pocket_llama_bot tell me a story");
        assertEquals("Answer number 1.", harness.finalText(GROUP, question));
        assertTrue(telegram.repliesTo(GROUP, chatter).isEmpty(), "a message without a mention is ignored");
        assertEquals(List.of(ChatMessage.user("tell me a story")), dialogue(engine.last()));

        int firstAnswer = telegram.repliesTo(GROUP, question).getFirst().messageId();
        int followUp = telegram.groupReply(GROUP, ALICE, "and then?", firstAnswer);
        assertEquals("Answer number 2.", harness.finalText(GROUP, followUp));
        assertEquals(List.of(ChatMessage.user("tell me a story"), ChatMessage.assistant("Answer number 1."),
                ChatMessage.user("and then?")), dialogue(engine.last()));

        harness.restart(engine);

        int secondAnswer = telegram.repliesTo(GROUP, followUp).getFirst().messageId();
        int afterRestart = telegram.groupReply(GROUP, BOB, "what happened next?", secondAnswer);
        assertEquals("Answer number 3.", harness.finalText(GROUP, afterRestart));
        assertEquals(List.of(ChatMessage.user("tell me a story"), ChatMessage.assistant("Answer number 1."),
                ChatMessage.user("and then?"), ChatMessage.assistant("Answer number 2."),
                ChatMessage.user("what happened next?")), dialogue(engine.last()));

        int command = telegram.groupMessage(GROUP, BOB, "/status");
        assertTrue(harness.finalText(GROUP, command).startsWith("Model: stories"), "a command needs no mention");
        assertEquals(3, engine.submissions().size());
        assertEquals(List.of(), telegram.errors());
    }

    @Test
    void aQuestionInAForumTopicIsAnsweredInThatTopic() {
        harness.start(ScriptedEngine.withContext(2048).answerWith(request -> "Right here."));

        int question = telegram.topicMessage(GROUP, 42, BOB, "@pocket_llama_bot where are you?");

        assertEquals("Right here.", harness.finalText(GROUP, question));
        assertEquals(42, telegram.calls("sendmessage").getFirst().params().path("message_thread_id").asInt());
        assertEquals(42, telegram.calls("sendchataction").getFirst().params().path("message_thread_id").asInt());
    }

    private static List<ChatMessage> dialogue(ScriptedEngine.Submission submission) {
        return submission.messages().stream().filter(m -> m.role() != ChatMessage.Role.SYSTEM).toList();
    }

    @Test
    void stopCancelsForTheAskerAndIsRefusedToSomeoneElse() {
        ScriptedEngine engine = ScriptedEngine.withContext(2048);
        harness.start(engine);

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
        assertEquals("Only the person who asked (or an admin) can stop this.", harness.callbackAnswer(bobsPress));
        assertFalse(generation.isFinished());

        String alicesPress = telegram.pressButton(ALICE, GROUP, streaming.messageId(), data);
        assertEquals("Stopped", harness.callbackAnswer(alicesPress));
        assertEquals(FinishReason.CANCELLED, generation.finished().join().reason());
        assertEquals("Once upon a time\n\n⏹ stopped", harness.finalText(GROUP, question));
    }

    @Test
    void aStopButtonLeftByARestartIsRemovedWhenPressed() {
        ScriptedEngine engine = ScriptedEngine.withContext(2048);
        harness.start(engine);
        int question = telegram.privateMessage(ALICE, "A story please");
        awaitSubmission(engine, 1).started().token("Once");
        FakeTelegram.Shown streaming = telegram.await("the reply to stream", PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(ALICE.id(), question);
            return !replies.isEmpty() && replies.getFirst().text().equals("Once") ? replies.getFirst() : null;
        });

        harness.restart(engine); // the reply being written is lost with its Stop button still showing
        assertTrue(telegram.shown(ALICE.id(), streaming.messageId()).hasButtons());
        String press = telegram.pressButton(ALICE, ALICE.id(), streaming.messageId(),
                streaming.replyMarkup().at("/inline_keyboard/0/0/callback_data").asText());

        assertEquals("This reply has already finished.", harness.callbackAnswer(press));
        telegram.await("the stale button to go", PATIENCE, () -> !telegram.shown(ALICE.id(), streaming.messageId()).hasButtons());
    }

    @Test
    void withDraftStreamingAPrivateReplyGrowsAsADraftAndEndsAsOneMessage() {
        ScriptedEngine engine = ScriptedEngine.withContext(2048);
        harness.streamWithDrafts();
        harness.start(engine);

        int question = telegram.privateMessage(ALICE, "Tell me a story");
        ScriptedEngine.Submission generation = awaitSubmission(engine, 1);
        generation.started().token("Once upon ");
        telegram.await("the draft to show the first words", PATIENCE, () -> telegram.calls("sendmessagedraft").stream()
                .anyMatch(c -> c.shownText().strip().equals("Once upon")));
        generation.token("a time.").finish(FinishReason.STOP, "");

        assertEquals("Once upon a time.", harness.finalText(ALICE.id(), question));
        List<FakeTelegram.Call> drafts = telegram.calls("sendmessagedraft");
        assertEquals(1, drafts.stream().map(c -> c.text("draft_id")).distinct().count(), "one draft, animated");
        assertEquals(1, telegram.calls("sendmessage").size(), "the finished reply is sent once");
        assertTrue(telegram.calls("editmessagetext").isEmpty(), "nothing to edit");

        int next = telegram.privateMessage(ALICE, "Another one");
        ScriptedEngine.Submission second = awaitSubmission(engine, 2);
        second.started().token("Long ago");
        telegram.privateMessage(ALICE, "/stop");
        assertEquals(FinishReason.CANCELLED, second.finished().join().reason());
        assertEquals("Long ago\n\n⏹ stopped", harness.finalText(ALICE.id(), next));
        assertEquals(List.of(), telegram.errors());
    }

    @Test
    void aTenThousandCharacterAnswerArrivesAsSeveralValidMessages() {
        String paragraph = "The quick brown llama jumps over the lazy dog, again and again. ";
        String answer = (paragraph.repeat(12) + "\n\n").repeat(13).strip();
        assertTrue(answer.length() >= 10_000);
        harness.start(ScriptedEngine.withContext(2048).answerWith(request -> answer));

        int question = telegram.privateMessage(ALICE, "Tell me everything");
        // While it streams, a filled message loses its Stop button before the next one exists: wait for the text.
        List<FakeTelegram.Shown> parts = telegram.await("the whole answer", PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = harness.finalReplies(ALICE.id(), question);
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
        harness.start(ScriptedEngine.withContext(2048).answerWith(request -> answer));

        int question = telegram.privateMessage(ALICE, "Show me some markup");
        assertEquals("Use bold for <b>tags</b> & entities like &amp; — but 2 * 3 < 7, a<b && c, and *oops",
                harness.finalText(ALICE.id(), question));
        assertEquals(List.of(), telegram.errors());
        String lastHtml = telegram.calls("editmessagetext").getLast().text("text");
        assertTrue(lastHtml.contains("<b>bold</b>") && lastHtml.contains("<code>a&lt;b &amp;&amp; c</code>"), lastHtml);
    }

    @Test
    void streamedEditsKeepTheChatsPaceAndWaitOutA429() throws Exception {
        ScriptedEngine engine = ScriptedEngine.withContext(4096);
        harness.start(engine);
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

        assertEquals(expected.toString().strip(), harness.finalText(ALICE.id(), question).strip());
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
