package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Telegram bot as the operator runs it, for tests: the fake Bot API, the real TelegramBots client inside the
 * adapter, the real Bot with its SQLite store, configured from YAML like {@code pocketllama.yml}. The engine is
 * the test's; a restart keeps the store file and the fake's chats.
 */
final class TelegramBotHarness implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final int EDIT_INTERVAL_MILLIS = 300;
    static final int GROUP_EDIT_INTERVAL_MILLIS = 500;
    /** Short answers by default, so that a conversation of several turns fits stories260K's context. */
    static final int MAX_TOKENS = 60;
    // Arrival times at the server differ from send times by scheduling on a loaded machine.
    static final long JITTER_MILLIS = 100;

    static final FakeTelegram.User ALICE = new FakeTelegram.User(501, "Alice");
    static final FakeTelegram.User BOB = new FakeTelegram.User(502, "Bob");
    /** The one configured admin. */
    static final FakeTelegram.User ADA_ADMIN = new FakeTelegram.User(900, "Ada");

    final FakeTelegram telegram = FakeTelegram.start();
    private final Path storeFile;
    private Bot bot;
    private TelegramAdapter adapter;
    private boolean draftStreaming;
    private int maxTokens = MAX_TOKENS;

    TelegramBotHarness(Path dir) {
        this.storeFile = dir.resolve("conversations.db");
    }

    /** Two models (one F32, one Q8_0) with greedy sampling, one admin (user 900), a fast pace for tests. */
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
                  topK: 0
                  topP: 1
                  minP: 0
                  repeatPenalty: 1
                  seed: 0
                  maxTokens: %d
                admins:
                  telegram: ["900"]
                telegram:
                  enabled: true
                  token: ${TELEGRAM_TOKEN}
                  apiUrl: %s
                  pollingTimeoutSeconds: 2
                  draftStreaming: %b
                store:
                  path: %s
                streaming:
                  telegramEditIntervalMillis: %d
                  telegramGroupEditIntervalMillis: %d
                """.formatted(maxTokens, telegram.apiUrl(), draftStreaming, storeFile, EDIT_INTERVAL_MILLIS, GROUP_EDIT_INTERVAL_MILLIS);
        return ConfigLoader.fromYaml(yaml, Map.of("TELEGRAM_TOKEN", FakeTelegram.TOKEN));
    }

    /** From the next start on, private replies stream as drafts ({@code telegram.draftStreaming: true}). */
    void streamWithDrafts() {
        draftStreaming = true;
    }

    /** From the next start on, answers may be this long ({@code sampling.maxTokens}). */
    void maxTokens(int tokens) {
        maxTokens = tokens;
    }

    void start(Engine engine) {
        PocketLlamaConfig config = config();
        bot = Bot.start(config, engine);
        adapter = TelegramAdapter.start(config, bot);
    }

    /** A new Bot and adapter on the same store file, as after the operator restarts the bot. */
    void restart(Engine engine) {
        stopBot();
        start(engine);
    }

    /** The bot's answer to a message once it is complete: none of its messages carries a Stop button any more. */
    List<FakeTelegram.Shown> finalReplies(long chatId, int questionId) {
        return telegram.await("the complete answer to message " + questionId, PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(chatId, questionId);
            return !replies.isEmpty() && replies.stream().noneMatch(FakeTelegram.Shown::hasButtons) ? replies : null;
        });
    }

    /** The text of a one-message answer, once complete. */
    String finalText(long chatId, int questionId) {
        List<FakeTelegram.Shown> replies = finalReplies(chatId, questionId);
        assertEquals(1, replies.size(), () -> "one message expected: " + replies);
        return replies.getFirst().text();
    }

    /** The text of the first reply to a message once it starts with {@code prefix}, e.g. a command's outcome. */
    String replyOnceItStarts(long chatId, int questionId, String prefix) {
        return telegram.await("a reply to " + questionId + " starting with " + prefix, PATIENCE, () -> {
            List<FakeTelegram.Shown> replies = telegram.repliesTo(chatId, questionId);
            return !replies.isEmpty() && replies.getFirst().text().startsWith(prefix) ? replies.getFirst().text() : null;
        });
    }

    /** How Telegram answered a button press. */
    String callbackAnswer(String callbackQueryId) {
        return telegram.await("the answer to button press " + callbackQueryId, PATIENCE,
                () -> telegram.calls("answercallbackquery").stream()
                        .filter(c -> callbackQueryId.equals(c.text("callback_query_id")))
                        .map(c -> c.text("text")).findFirst().orElse(null));
    }

    private void stopBot() {
        if (adapter != null) adapter.close();
        if (bot != null) bot.close();
        adapter = null;
        bot = null;
    }

    @Override
    public void close() {
        stopBot();
        telegram.close();
    }
}
