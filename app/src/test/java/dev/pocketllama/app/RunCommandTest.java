package dev.pocketllama.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run} through the command line: console chat when no platform is enabled; config errors as messages. */
class RunCommandTest {
    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        return Main.commandLine().execute(args);
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    @Test
    void withNoPlatformEnabledRunChatsOnTheConsoleAndKeepsTheConversation(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pocketllama.yml");
        Files.writeString(config, """
                models: [{name: stories, path: ../shared/models/stories260K.gguf, template: raw}]
                sampling: {temperature: 0, maxTokens: 12}
                store: {path: %s}
                """.formatted(dir.resolve("bot.db")));
        assertEquals(0, run("Once upon a time\n/status\n", "run", "--config", config.toString()), err.toString());
        String shown = out.toString(StandardCharsets.UTF_8);
        int status = shown.indexOf("\nModel: stories"); // "(warming up: ...)" may follow while the engine warms up
        assertTrue(status > 10 && shown.indexOf("\nQueue: ", status) > status, "an answer, then the status: " + shown);
        assertTrue(Files.size(dir.resolve("bot.db")) > 0);
    }

    @Test
    void configErrorsAreListedWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pocketllama.yml");
        Files.writeString(config, "models: [{name: x, path: /nope.gguf}]\ntelegram: {enabeld: true}\n");
        assertEquals(2, run("", "run", "--config", config.toString()));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("models[0].path: file not found: /nope.gguf"), message);
        assertTrue(message.contains("telegram.enabeld: unknown key (did you mean 'enabled'?)"), message);
        assertTrue(!message.contains("\tat "), message);
    }
}
