package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.Engine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Starts the engine and the bot for a configuration and chats on this terminal until the input ends. */
final class ConsoleSession {
    private ConsoleSession() { }

    static void run(PocketLlamaConfig config, PrintStream out, PrintStream err) throws Exception {
        var progress = new LoadProgressPrinter(err, config.defaultModel());
        Engine engine = EngineLauncher.start(config, progress);
        progress.done();
        try (engine; Bot bot = Bot.start(config, engine)) {
            chat(bot, config, out);
        }
    }

    /** Chats through {@code bot} on stdin/stdout; Ctrl-C stops the answer being written, or quits when none is. */
    static void chat(Bot bot, PocketLlamaConfig config, PrintStream out) throws Exception {
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean terminal = System.console() != null;
        var console = new ConsoleChat(bot, in, out, terminal,
                Duration.ofMillis(config.streaming().consoleEditIntervalMillis()));
        if (terminal) InterruptKey.onPress(() -> {
            if (!console.stopCurrent()) System.exit(130);
        });
        console.run();
    }
}
