package dev.pocketllama.app;

import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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
        List<String> enabled = new ArrayList<>();
        if (settings.telegram().enabled()) enabled.add("telegram");
        if (settings.discord().enabled()) enabled.add("discord");
        if (!enabled.isEmpty()) {
            System.err.println(String.join(" and ", enabled) + ": enabled in " + config
                    + ", but this build has no adapter for it yet; disable it (" + enabled.getFirst()
                    + ".enabled: false) to use the console chat");
            return 2;
        }
        ConsoleSession.run(settings, System.out, System.err);
        return 0;
    }
}
