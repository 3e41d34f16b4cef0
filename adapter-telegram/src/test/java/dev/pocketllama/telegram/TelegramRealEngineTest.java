package dev.pocketllama.telegram;

import dev.pocketllama.bot.testing.GreedyAnswer;
import static dev.pocketllama.telegram.TelegramBotHarness.ADA_ADMIN;
import static dev.pocketllama.telegram.TelegramBotHarness.ALICE;
import static dev.pocketllama.telegram.TelegramBotHarness.BOB;
import static dev.pocketllama.telegram.TelegramBotHarness.MAX_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Telegram user talking to the real engine on stories260K through the whole path: what they see must be the
 * model's greedy answer to exactly the conversation they had, computed here by asking the engine directly.
 */
class TelegramRealEngineTest {

    static final long GROUP = -1005678;
    /** Long enough to stream over several edits. */
    static final int LONG_ANSWER_TOKENS = 400;

    @TempDir
    Path dir;
    TelegramBotHarness harness;
    FakeTelegram telegram;
    Engine engine;

    @BeforeEach
    void start() {
        harness = new TelegramBotHarness(dir);
        telegram = harness.telegram;
        engine = Engine.start(new EngineOptions(List.of(
                new ModelSpec("stories", Path.of("../shared/models/stories260K.gguf"), "raw", 0),
                new ModelSpec("stories-q8", Path.of("../shared/models/stories260K-Q8_0.gguf"), "raw", 0)),
                "stories", 0, 4, 64, 4, 16L << 20, null), LoadProgressListener.NONE);
    }

    @AfterEach
    void stop() {
        harness.close();
        engine.close();
    }

    /** The engine's own greedy answer to a conversation, asked directly, as the configured sampling makes it. */
    String greedy(ChatMessage... conversation) throws Exception {
        return greedy(MAX_TOKENS, conversation);
    }

    String greedy(int maxTokens, ChatMessage... conversation) throws Exception {
        return GreedyAnswer.of(engine, List.of(conversation), maxTokens);
    }

    @Test
    void aPrivateMessageGetsAPlaceholderThenGrowingEditsThenTheGreedyAnswer() throws Exception {
        String expected = greedy(LONG_ANSWER_TOKENS, ChatMessage.user("Once upon a time"));
        assertFalse(expected.isBlank());
        harness.maxTokens(LONG_ANSWER_TOKENS);
        harness.start(engine);

        int question = telegram.privateMessage(ALICE, "Once upon a time");

        assertEquals(expected.strip(), harness.finalText(ALICE.id(), question).strip());
        FakeTelegram.Call placeholder = telegram.calls("sendmessage").getFirst();
        assertEquals(question, placeholder.params().at("/reply_parameters/message_id").asInt());
        assertTrue(placeholder.params().at("/reply_markup/inline_keyboard/0/0/callback_data").asText().startsWith("stop:"));
        assertFalse(telegram.calls("sendchataction").isEmpty(), "typing is shown while the model writes");

        int messageId = telegram.repliesTo(ALICE.id(), question).getFirst().messageId();
        List<FakeTelegram.Call> edits = telegram.calls("editmessagetext").stream()
                .filter(c -> c.messageId() == messageId).toList();
        List<String> answerTexts = new ArrayList<>();
        for (FakeTelegram.Call edit : edits) {
            String text = edit.shownText();
            if (!text.startsWith("⏳") && !text.startsWith("✍️")) answerTexts.add(text.strip());
        }
        assertFalse(answerTexts.isEmpty(), "the answer arrives by editing the placeholder");
        for (String text : answerTexts) {
            assertTrue(expected.strip().startsWith(text), "every edit shows a beginning of the answer: " + text);
        }
        for (int i = 1; i < answerTexts.size(); i++) {
            assertTrue(answerTexts.get(i).length() >= answerTexts.get(i - 1).length(), "texts grow");
        }
        // How many edits there are depends on the machine's speed, and the model takes the CPU, so arrival times
        // jitter: the pace and the growth over many edits are asserted with the scripted engine.
    }

    @Test
    void aGroupConversationFollowsItsReplyTreeAlsoAfterARestart() throws Exception {
        harness.start(engine);

        telegram.groupMessage(GROUP, BOB, "Lily went to the park");
        int question = telegram.groupMessage(GROUP, BOB, "@pocket_llama_bot Lily went to the park");
        String first = greedy(ChatMessage.user("Lily went to the park"));
        assertEquals(first.strip(), harness.finalText(GROUP, question).strip());

        int firstAnswer = telegram.repliesTo(GROUP, question).getFirst().messageId();
        int followUp = telegram.groupReply(GROUP, ALICE, "Then she saw a dog", firstAnswer);
        String second = greedy(ChatMessage.user("Lily went to the park"), ChatMessage.assistant(first),
                ChatMessage.user("Then she saw a dog"));
        assertEquals(second.strip(), harness.finalText(GROUP, followUp).strip());

        harness.restart(engine);
        int secondAnswer = telegram.repliesTo(GROUP, followUp).getFirst().messageId();
        int afterRestart = telegram.groupReply(GROUP, BOB, "The dog was happy", secondAnswer);
        String third = greedy(ChatMessage.user("Lily went to the park"), ChatMessage.assistant(first),
                ChatMessage.user("Then she saw a dog"), ChatMessage.assistant(second), ChatMessage.user("The dog was happy"));
        assertEquals(third.strip(), harness.finalText(GROUP, afterRestart).strip());
        assertEquals(3, telegram.botMessages(GROUP).size(), "the message without a mention got no answer");
    }

    @Test
    void onlyAnAdminSwitchesTheModel() {
        harness.start(engine);

        int refused = telegram.privateMessage(BOB, "/model stories-q8");
        assertTrue(harness.finalText(BOB.id(), refused).startsWith("⛔ Only admins can switch models"));
        assertEquals("stories", engine.activeModel().name());

        int switched = telegram.privateMessage(ADA_ADMIN, "/model stories-q8");
        String done = harness.replyOnceItStarts(ADA_ADMIN.id(), switched, "✅");
        assertTrue(done.startsWith("✅ Now using stories-q8"), done);
        assertEquals("stories-q8", engine.activeModel().name());
    }
}
