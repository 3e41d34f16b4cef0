package dev.pocketllama.app;

import dev.pocketllama.app.tools.BatchBenchCommand;
import dev.pocketllama.app.tools.BenchCommand;
import dev.pocketllama.app.tools.QuantizeCommand;
import dev.pocketllama.app.tools.SynthCommand;
import dev.pocketllama.config.ConfigException;
import dev.pocketllama.inference.api.ModelLoadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: the {@code pocketllama} command line. */
@Command(name = "pocketllama", mixinStandardHelpOptions = true, version = "Pocket Llama 0.1.0",
        description = "A self-hosted LLM chat bot for Discord and Telegram, running LLaMA models on your CPU.",
        subcommands = {ChatCommand.class, RunCommand.class, GenerateCommand.class, TokenizeCommand.class,
                InspectCommand.class, QuantizeCommand.class, SynthCommand.class, BenchCommand.class, BatchBenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with configuration and model errors shown as their message rather than a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof ModelLoadException) {
                cmd.getErr().println(e.getMessage());
                return 2;
            }
            throw e;
        });
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
