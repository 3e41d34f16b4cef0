package dev.pocketllama.bot;

/**
 * Text for the adapter to send or put into an edited message.
 *
 * @param markdown the text, in the Markdown a model writes; the adapter renders it for its platform, safely
 * @param stopId   when not null, show a Stop control whose press the adapter reports with this id
 */
public record OutgoingMessage(String markdown, String stopId) {
    public static OutgoingMessage plain(String markdown) { return new OutgoingMessage(markdown, null); }
}
