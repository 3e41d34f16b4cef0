package dev.pocketllama.telegram;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.RateLimitedException;
import dev.pocketllama.bot.ReplyPort;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendMessageDraft;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.LinkPreviewOptions;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Bot-core's hands in one Telegram chat while it answers one user message: sends replies to that message (with a
 * Stop button while a stop id is set), edits them, shows "typing", deletes. The model's Markdown goes out as
 * Telegram HTML; if Telegram still rejects it, the same text goes out plain. A 429 fails the future with
 * {@link RateLimitedException}; "message is not modified" counts as success.
 */
final class TelegramReplyPort implements ReplyPort {

    static final int MAX_MESSAGE_CHARS = 4096;
    static final Duration TYPING_LASTS = Duration.ofSeconds(5);

    // Model output often holds URLs; a preview card under every streamed reply would be noise.
    private static final LinkPreviewOptions NO_PREVIEW = LinkPreviewOptions.builder().isDisabled(true).build();
    // Telegram rejects an empty text; a reply that is empty so far shows this.
    private static final String EMPTY_TEXT = "…";

    private final TelegramClient client;
    private final String chatId;
    private final Integer threadId;
    private final int replyToMessageId;
    private final PlatformLimits limits;

    TelegramReplyPort(TelegramClient client, String chatId, Integer threadId, int replyToMessageId,
                      Duration minEditInterval) {
        this.client = client;
        this.chatId = chatId;
        this.threadId = threadId;
        this.replyToMessageId = replyToMessageId;
        this.limits = new PlatformLimits(MAX_MESSAGE_CHARS, minEditInterval, TYPING_LASTS);
    }

    @Override
    public PlatformLimits limits() { return limits; }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
        ReplyParameters replyTo = ReplyParameters.builder().messageId(replyToMessageId)
                .allowSendingWithoutReply(true).build();
        return renderedOrPlain(message, (text, parseMode) -> SendMessage.builder()
                .chatId(chatId).messageThreadId(threadId).text(text).parseMode(parseMode)
                .replyParameters(replyTo).linkPreviewOptions(NO_PREVIEW)
                .replyMarkup(StopButton.keyboard(message.stopId())).build())
                .thenApply(sent -> String.valueOf(sent.getMessageId()));
    }

    @Override
    public CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        return renderedOrPlain(message, (text, parseMode) -> EditMessageText.builder()
                .chatId(chatId).messageId(Integer.valueOf(messageId)).text(text).parseMode(parseMode)
                .linkPreviewOptions(NO_PREVIEW).replyMarkup(StopButton.keyboard(message.stopId())).build())
                .<Void>thenApply(edited -> null)
                .exceptionallyCompose(error -> ApiFailure.of(error) == ApiFailure.NOT_MODIFIED
                        ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(error));
    }

    @Override
    public CompletableFuture<Void> typing() {
        return call(SendChatAction.builder().chatId(chatId).messageThreadId(threadId)
                .action(ActionType.TYPING.toString()).build()).thenApply(done -> null);
    }

    @Override
    public CompletableFuture<Void> delete(String messageId) {
        return call(DeleteMessage.builder().chatId(chatId).messageId(Integer.valueOf(messageId)).build())
                .thenApply(done -> null);
    }

    /** Shows the message as the draft {@code draftId} in the private chat: streamed, not yet sent. */
    CompletableFuture<Void> draft(int draftId, OutgoingMessage message) {
        return renderedOrPlain(message, (text, parseMode) -> SendMessageDraft.builder()
                .chatId(Long.valueOf(chatId)).messageThreadId(threadId).draftId(draftId).text(text).parseMode(parseMode)
                .build())
                .thenApply(shown -> null);
    }

    /** Sends the message as HTML, and once more as plain text if Telegram cannot parse the HTML. */
    private <T extends Serializable> CompletableFuture<T> renderedOrPlain(
            OutgoingMessage message, BiFunction<String, String, BotApiMethod<T>> method) {
        String markdown = message.markdown().isBlank() ? EMPTY_TEXT : message.markdown();
        return call(method.apply(TelegramHtml.render(markdown), ParseMode.HTML))
                .exceptionallyCompose(error -> ApiFailure.of(error) == ApiFailure.BAD_MARKUP
                        ? call(method.apply(markdown, null)) : CompletableFuture.failedFuture(error));
    }

    private <T extends Serializable> CompletableFuture<T> call(BotApiMethod<T> method) {
        CompletableFuture<T> result;
        try {
            result = client.executeAsync(method);
        } catch (TelegramApiException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionallyCompose(error -> CompletableFuture.failedFuture(explained(method, error)));
    }

    private static Throwable explained(BotApiMethod<?> method, Throwable error) {
        Throwable cause = ApiFailure.unwrap(error);
        if (ApiFailure.of(cause) == ApiFailure.RATE_LIMITED) return new RateLimitedException(ApiFailure.retryAfter(cause));
        if (cause instanceof TelegramCallException) return cause;
        return new TelegramCallException(method.getMethod(), cause);
    }
}
