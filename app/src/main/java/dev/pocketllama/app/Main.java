package dev.pocketllama.app;

import dev.pocketllama.app.tools.BenchCommand;
import dev.pocketllama.app.tools.QuantizeCommand;
import dev.pocketllama.app.tools.SynthCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: the {@code pocketllama} command line. */
@Command(name = "pocketllama", mixinStandardHelpOptions = true, version = "Pocket Llama 0.1.0",
        description = "A self-hosted LLM chat bot for Discord and Telegram, running LLaMA models on your CPU.",
        subcommands = {CommandLine.HelpCommand.class, TokenizeCommand.class, QuantizeCommand.class,
                SynthCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
