package dev.pocketllama.telegram;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.ReplyPort;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.config.StreamingConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Pocket Llama on Telegram: long-polls the Bot API, hands the messages meant for the bot to bot-core with a
 * {@link TelegramReplyPort} for the answer, and turns presses of a reply's Stop button into {@link Bot#onStop}.
 */
public final class TelegramAdapter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TelegramAdapter.class);

    private final Bot bot;
    private final TelegramConnection connection;
    private final MessageFilter filter;
    private final Duration privateEditInterval;
    private final Duration groupEditInterval;
    private final boolean draftStreaming;
    private final AtomicInteger draftIds = new AtomicInteger();
    private final Set<String> chatsSeen = ConcurrentHashMap.newKeySet();

    private TelegramAdapter(Bot bot, TelegramConnection connection, StreamingConfig streaming, boolean draftStreaming) {
        this.bot = bot;
        this.draftStreaming = draftStreaming;
        this.connection = connection;
        this.filter = new MessageFilter(connection.botId(), connection.botUsername());
        this.privateEditInterval = Duration.ofMillis(streaming.telegramEditIntervalMillis());
        this.groupEditInterval = Duration.ofMillis(streaming.telegramGroupEditIntervalMillis());
    }

    /**
     * Signs in with {@code telegram.token}, registers the command menu and starts answering. Throws
     * {@link IllegalStateException} with a message naming the config key and the fix when the token or API URL is
     * wrong or the Bot API cannot be reached.
     */
    public static TelegramAdapter start(PocketLlamaConfig config, Bot bot) {
        TelegramConnection connection = TelegramConnection.open(config.telegram());
        TelegramAdapter adapter = new TelegramAdapter(bot, connection, config.streaming(),
                config.telegram().draftStreaming());
        connection.startPolling(adapter::onUpdate);
        return adapter;
    }

    private void onUpdate(Update update) {
        if (update.hasMessage()) {
            onMessage(update.getMessage());
        } else if (update.hasCallbackQuery()) {
            onButton(update.getCallbackQuery());
        }
    }

    private void onMessage(Message message) {
        filter.forBot(message).ifPresent(inbound -> {
            if (chatsSeen.add(inbound.chatId()) && inbound.chatKind() == ChatKind.GROUP) {
                log.info("Telegram: addressed in group {} \"{}\"", inbound.chatId(), message.getChat().getTitle());
            }
            bot.onMessage(inbound, replyPort(inbound));
        });
    }

    private ReplyPort replyPort(InboundMessage inbound) {
        Duration editInterval = inbound.chatKind() == ChatKind.GROUP ? groupEditInterval : privateEditInterval;
        TelegramReplyPort messages = new TelegramReplyPort(connection.client(), inbound.chatId(),
                inbound.threadId() == null ? null : Integer.valueOf(inbound.threadId()),
                Integer.parseInt(inbound.messageId()), editInterval);
        // Telegram offers drafts in private chats only
        return draftStreaming && inbound.chatKind() == ChatKind.PRIVATE ? new DraftReplyPort(messages, draftIds) : messages;
    }

    private void onButton(CallbackQuery query) {
        Optional<String> stopId = StopButton.stopId(query.getData());
        String answer = stopId.map(id -> switch (bot.onStop(Platform.TELEGRAM, id, MessageFilter.author(query.getFrom()))) {
            case STOPPED -> "Stopped";
            case NOT_ALLOWED -> "Only the person who asked (or an admin) can stop this.";
            case ALREADY_FINISHED -> {
                // e.g. the bot restarted while the reply was being written: the button has nothing left to stop
                if (query.getMessage() instanceof Message message) removeButtons(message);
                yield "This reply has already finished.";
            }
        }).orElse(null);
        call(AnswerCallbackQuery.builder().callbackQueryId(query.getId()).text(answer).build());
    }

    private void removeButtons(Message message) {
        call(EditMessageReplyMarkup.builder().chatId(message.getChatId()).messageId(message.getMessageId()).build());
    }

    /** A call whose failure only matters to the log: the user sees the outcome either way. */
    private void call(BotApiMethod<?> method) {
        try {
            connection.client().executeAsync(method).exceptionally(error -> {
                log.warn("Telegram {} failed: {}", method.getMethod(), ApiFailure.unwrap(error).getMessage());
                return null;
            });
        } catch (TelegramApiException e) {
            log.warn("Telegram {} failed: {}", method.getMethod(), e.getMessage());
        }
    }

    /** Stops polling and releases the connection; replies still streaming fail quietly from here on. */
    @Override
    public void close() {
        connection.close();
    }
}
