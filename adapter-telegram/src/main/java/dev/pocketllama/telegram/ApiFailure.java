package dev.pocketllama.telegram;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** What a failed Bot API call means for the adapter, read from Telegram's error code and description. */
enum ApiFailure {
    /** 429: wait {@code retry_after} seconds. */
    RATE_LIMITED,
    /** An edit that would change nothing: for the adapter, a success. */
    NOT_MODIFIED,
    /** Telegram's HTML parser refused the text: resend it plain. */
    BAD_MARKUP,
    OTHER;

    static ApiFailure of(Throwable error) {
        if (!(unwrap(error) instanceof TelegramApiRequestException request)) return OTHER;
        String description = String.valueOf(request.getApiResponse()).toLowerCase();
        Integer code = request.getErrorCode();
        if (code != null && code == 429) return RATE_LIMITED;
        if (description.contains("message is not modified")) return NOT_MODIFIED;
        if (description.contains("can't parse entities")) return BAD_MARKUP;
        return OTHER;
    }

    /** How long Telegram asked us to wait; a second when it did not say. */
    static Duration retryAfter(Throwable error) {
        if (unwrap(error) instanceof TelegramApiRequestException request && request.getParameters() != null
                && request.getParameters().getRetryAfter() != null) {
            return Duration.ofSeconds(request.getParameters().getRetryAfter());
        }
        return Duration.ofSeconds(1);
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof TelegramCallException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
