package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
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
        if (!settings.discord().enabled() && !settings.telegram().enabled()) {
            try (engine; Bot bot = Bot.start(settings, engine)) {
                ConsoleSession.chat(bot, settings, System.out);
            }
            return 0;
        }
        ServingBot serving;
        try {
            serving = ServingBot.start(settings, engine);
        } catch (IllegalStateException e) {
            // The adapters name the config key and the fix, e.g. a token the platform refused.
            System.err.println(e.getMessage());
            return 2;
        }
        System.err.println("Serving " + serving.platforms() + " with " + settings.defaultModel() + ". Ctrl-C stops.");
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
