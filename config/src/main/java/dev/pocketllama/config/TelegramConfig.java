package dev.pocketllama.config;

/**
 * The Telegram bot.
 *
 * @param enabled               whether {@code run} starts it
 * @param token                 the BotFather token, normally {@code ${TELEGRAM_TOKEN}}
 * @param apiUrl                Bot API base URL (a local Bot API server or a test server); null for the public one
 * @param pollingTimeoutSeconds long-polling timeout
 * @param draftStreaming        stream private replies with sendMessageDraft (Bot API 9.3+)
 */
public record TelegramConfig(boolean enabled, String token, String apiUrl, int pollingTimeoutSeconds,
                             boolean draftStreaming) {
    @Override
    public String toString() {
        return "TelegramConfig[enabled=" + enabled + ", token=" + (token == null ? "none" : "***")
                + ", apiUrl=" + apiUrl + ", pollingTimeoutSeconds=" + pollingTimeoutSeconds
                + ", draftStreaming=" + draftStreaming + "]";
    }
}
