package dev.pocketllama.bot.command;

import java.util.Locale;
import java.util.Optional;

/** Reads a command from a message's text: {@code /name} or {@code /name@bot}, then its argument. */
public final class CommandParser {
    private CommandParser() { }

    /** The command the text starts with, or empty when it is a chat message. */
    public static Optional<Command> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.length() < 2 || trimmed.charAt(0) != '/' || !Character.isLetter(trimmed.charAt(1))) {
            return Optional.empty();
        }
        int end = 1;
        while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end))) end++;
        String word = trimmed.substring(1, end);
        int at = word.indexOf('@');
        String name = (at < 0 ? word : word.substring(0, at)).toLowerCase(Locale.ROOT);
        // Command names are letters, digits and underscores (as Telegram and Discord allow); "/usr/bin" is text.
        if (!name.matches("[a-z0-9_]+")) return Optional.empty();
        String argument = trimmed.substring(end).strip();
        String optional = argument.isEmpty() ? null : argument;
        return Optional.of(switch (name) {
            case "help", "start" -> new Command.Help();
            case "reset", "new" -> new Command.Reset();
            case "model" -> new Command.Model(optional);
            case "models" -> new Command.Models();
            case "status" -> new Command.Status();
            case "system" -> new Command.SystemPrompt(optional);
            case "stop" -> new Command.Stop();
            default -> new Command.Unknown(name);
        });
    }
}
