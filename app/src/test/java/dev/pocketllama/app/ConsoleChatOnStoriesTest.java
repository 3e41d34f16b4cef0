package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scripted console chat on the real engine and stories260K: the streamed answer is the greedy output. */
class ConsoleChatOnStoriesTest {
    static final String PROMPT = "Once upon a time";
    static final int MAX_TOKENS = 64;
    /** llama.cpp's greedy continuation of PROMPT (../shared/models/stories260K-greedy.json, 64 tokens). */
    static final String LLAMA_CPP_GREEDY = ", there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";

    @Test
    void theConsoleStreamsTheEnginesGreedyAnswer() throws Exception {
        PocketLlamaConfig config = ConfigLoader.fromYaml("""
                models: [{name: stories, path: ../shared/models/stories260K.gguf, template: raw}]
                sampling: {temperature: 0, repeatPenalty: 1, maxTokens: %d}
                store: {path: ":memory:"}
                """.formatted(MAX_TOKENS), Map.of());
        var pieces = new ArrayList<String>();
        var bytes = new ByteArrayOutputStream() {
            private int printed;

            @Override
            public synchronized void flush() {
                String all = toString(StandardCharsets.UTF_8);
                if (all.length() > printed) pieces.add(all.substring(printed));
                printed = all.length();
            }
        };
        var out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        try (Engine engine = EngineLauncher.start(config, LoadProgressListener.NONE)) {
            String greedy = generate(engine);
            try (Bot bot = Bot.start(config, engine)) {
                new ConsoleChat(bot, new BufferedReader(new StringReader(PROMPT + "\n")), out, false, Duration.ZERO).run();
            }
            assertEquals(LLAMA_CPP_GREEDY, greedy, "the raw template with one turn is the text itself");
            assertEquals(greedy + "\n", bytes.toString(StandardCharsets.UTF_8));
            assertTrue(pieces.size() > 10, "streamed in pieces as it was generated: " + pieces);
        }
    }

    /** The engine's own greedy output for the prompt text, without bot-core in between. */
    private static String generate(Engine engine) throws Exception {
        var text = new StringBuilder();
        var request = new GenerationRequest("test", null, new Prompt.Text(PROMPT), SamplingParams.GREEDY, MAX_TOKENS);
        var finished = engine.submit(request, event -> {
            if (event instanceof GenerationEvent.Token t) text.append(t.text());
        }).finished().get(2, TimeUnit.MINUTES);
        assertTrue(finished.stats().generatedTokens() > 0, finished.toString());
        return text.toString();
    }
}
