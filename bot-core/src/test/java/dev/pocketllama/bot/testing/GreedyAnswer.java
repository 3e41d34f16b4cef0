package dev.pocketllama.bot.testing;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the engine itself answers to a conversation at temperature 0: the expectation of end-to-end tests. */
public final class GreedyAnswer {
    private GreedyAnswer() { }

    public static String of(Engine engine, List<ChatMessage> conversation, int maxTokens) throws Exception {
        StringBuilder answer = new StringBuilder();
        var request = new GenerationRequest("test:expectation", null, new Prompt.Chat(conversation),
                SamplingParams.GREEDY, maxTokens);
        engine.submit(request, event -> {
            if (event instanceof GenerationEvent.Token token) answer.append(token.text());
        }).finished().get(60, TimeUnit.SECONDS);
        return answer.toString();
    }
}
