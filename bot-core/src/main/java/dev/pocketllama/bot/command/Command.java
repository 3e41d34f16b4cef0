package dev.pocketllama.bot.command;

/** The commands a user may type (or pick from a platform's command menu). */
public sealed interface Command {
    record Help() implements Command { }

    record Reset() implements Command { }

    /** {@code /model} shows the active model; {@code /model NAME} switches (admins). */
    record Model(String name) implements Command { }

    record Models() implements Command { }

    record Status() implements Command { }

    /** {@code /system} shows the chat's system prompt; {@code /system TEXT} sets it (admins). */
    record SystemPrompt(String text) implements Command { }

    record Stop() implements Command { }

    record Unknown(String name) implements Command { }
}
