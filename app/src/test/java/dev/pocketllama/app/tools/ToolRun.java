package dev.pocketllama.app.tools;

import dev.pocketllama.app.Main;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code pocketllama ARGS...} in-process through Main's command line, capturing what the tool prints. */
record ToolRun(int exitCode, String out, String err) {

    static ToolRun of(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == QuantizeCommand.class) return cls.cast(new QuantizeCommand(o, e));
                if (cls == SynthCommand.class) return cls.cast(new SynthCommand(o, e));
                if (cls == BenchCommand.class) return cls.cast(new BenchCommand(o, e));
                if (cls == BatchBenchCommand.class) return cls.cast(new BatchBenchCommand(o, e));
                return CommandLine.defaultFactory().create(cls);
            }
        };
        int code = new CommandLine(new Main(), factory).setErr(new java.io.PrintWriter(e, true)).execute(args);
        return new ToolRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
