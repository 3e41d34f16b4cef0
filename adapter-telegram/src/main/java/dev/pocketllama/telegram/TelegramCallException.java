package dev.pocketllama.telegram;

import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** A Bot API call failed for a reason other than a rate limit; the message names the method and Telegram's answer. */
final class TelegramCallException extends RuntimeException {
    TelegramCallException(String method, Throwable cause) {
        super("Telegram " + method + " failed: " + reason(cause), cause);
    }

    private static String reason(Throwable cause) {
        return cause instanceof TelegramApiRequestException request && request.getApiResponse() != null
                ? "[" + request.getErrorCode() + "] " + request.getApiResponse() : String.valueOf(cause.getMessage());
    }
}
