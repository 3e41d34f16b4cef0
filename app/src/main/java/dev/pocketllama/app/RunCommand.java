package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.discord.DiscordAdapter;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.telegram.TelegramAdapter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code pocketllama run}: the bot on every platform the configuration enables, or the console when none is. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the bot on every platform the configuration enables (the console chat when none is).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "pocketllama.yml",
            description = "The configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() throws Exception {
        PocketLlamaConfig settings = ConfigLoader.load(config, System.getenv());
        var progress = new LoadProgressPrinter(System.err, settings.defaultModel());
        Engine engine = EngineLauncher.start(settings, progress);
        progress.done();
        Bot bot = Bot.start(settings, engine);
        if (!settings.discord().enabled() && !settings.telegram().enabled()) {
            try (engine; bot) {
                ConsoleSession.chat(bot, settings, System.out);
            }
            return 0;
        }
        List<AutoCloseable> running = new ArrayList<>();
        List<String> platforms = new ArrayList<>();
        try {
            if (settings.telegram().enabled()) {
                running.add(TelegramAdapter.start(settings, bot));
                platforms.add("Telegram");
            }
            if (settings.discord().enabled()) {
                running.add(DiscordAdapter.start(settings, bot));
                platforms.add("Discord");
            }
        } catch (IllegalStateException e) {
            // The adapters name the config key and the fix, e.g. a token the platform refused.
            closeAll(running, bot, engine);
            System.err.println(e.getMessage());
            return 2;
        }
        System.err.println("Serving " + String.join(" and ", platforms) + " with " + settings.defaultModel()
                + ". Ctrl-C stops.");
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(running, bot, engine);
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    /** Adapters first (their final edits still go out), then the bot, then the engine. */
    private static void closeAll(List<AutoCloseable> adapters, Bot bot, Engine engine) {
        for (AutoCloseable adapter : adapters.reversed()) {
            try {
                adapter.close();
            } catch (Exception e) {
                System.err.println("closing " + adapter.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
        bot.close();
        engine.close();
    }
}
