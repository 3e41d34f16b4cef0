package dev.pocketllama.app;

import dev.pocketllama.config.PocketLlamaConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pocketllama chat}: the console adapter, through the same bot pipeline as Discord and Telegram. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with a model in the terminal, through the same pipeline as Discord and Telegram.",
                "With stdin not a terminal, reads one message per line and exits after the last answer."})
final class ChatCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE.gguf", description = "The model file (replaces the config's models).")
    Path model;

    @Option(names = "--config", paramLabel = "FILE", description = "A pocketllama.yml; without it the chat is kept in memory only.")
    Path config;

    @Option(names = "--template", paramLabel = "NAME",
            description = "Chat template of --model: auto (default), llama2, llama3, chatml, zephyr or raw.")
    String template;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 is greedy.")
    Double temperature;

    @Override
    public Integer call() throws Exception {
        PocketLlamaConfig settings = ChatConfig.of(config, model, template, temperature, System.getenv());
        ConsoleSession.run(settings, System.out, System.err);
        return 0;
    }
}
