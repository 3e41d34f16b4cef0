package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.testing.ScriptedEngine;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.FinishReason;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console adapter through the real Bot, with a scripted engine as the seam. */
class ConsoleChatTest {
    static final PocketLlamaConfig CONFIG = ChatConfig.of(null, Path.of("../shared/models/stories260K.gguf"), "raw",
            0.0, Map.of());

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String output() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void scriptedChatAnswersEachLineInOrderAndEnds() throws Exception {
        var engine = ScriptedEngine.withContext(512);
        engine.answerWith(request -> "Echo of message " + engine.submissions().size() + ".");
        try (Bot bot = Bot.start(CONFIG, engine)) {
            var input = new BufferedReader(new StringReader("hello\n\nsecond message\n"));
            new ConsoleChat(bot, input, out, false, Duration.ZERO).run();
        }
        assertEquals("Echo of message 1.\nEcho of message 2.\n", output());
        assertEquals(3, engine.last().messages().size(), "one conversation: hello, its answer, the second message");
    }

    @Test
    void commandsWorkInTheConsole() throws Exception {
        var engine = ScriptedEngine.withContext(512);
        try (Bot bot = Bot.start(CONFIG, engine)) {
            var input = new BufferedReader(new StringReader("/model\n/reset\n"));
            new ConsoleChat(bot, input, out, false, Duration.ZERO).run();
        }
        assertEquals("The active model is stories. Models: stories260K. Admins switch with /model NAME.\n"
                + "🧹 New conversation: I've forgotten what we said before.\n", output());
    }

    @Test
    void onATerminalTheQueueLineIsReplacedAndTheAnswerStreamsInPlace() throws Exception {
        var engine = ScriptedEngine.withContext(512);
        var typed = new PipedWriter();
        try (Bot bot = Bot.start(CONFIG, engine)) {
            var console = new ConsoleChat(bot, new BufferedReader(new PipedReader(typed)), out, true, Duration.ZERO);
            Thread chat = Thread.ofPlatform().start(() -> {
                try {
                    console.run();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            typed.write("tell me\n");
            typed.flush();
            while (engine.submissions().isEmpty()) Thread.sleep(5);
            var s = engine.last();
            s.queued(2, Duration.ofSeconds(3));
            awaitOutput("⏳ queued: #2, ~3 s");
            s.started().token("Once");
            awaitOutput("Once");
            s.token(" upon").token(" a time");
            awaitOutput("Once upon a time");
            assertTrue(console.stopCurrent(), "Ctrl-C stops the answer being written");
            awaitOutput("⏹ stopped");
            typed.close();
            chat.join(10_000);
            assertEquals(FinishReason.CANCELLED, s.finished().join().reason());
        }
        String screen = output();
        assertTrue(screen.contains("\r\033[K⏳ queued: #2, ~3 s\r\033[K✍️ …\r\033[KOnce upon a time\n\n⏹ stopped\n> "),
                screen.replace("\033", "ESC"));
    }

    private void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("never shown: " + text + "\n" + output());
            Thread.sleep(5);
        }
    }
}
