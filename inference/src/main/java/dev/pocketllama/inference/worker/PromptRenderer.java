package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.tokenizer.Tokenizer;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a prompt into token ids. Text is tokenized as llama.cpp does (BOS as the vocabulary asks, specials parsed);
 * chat turns use the {@code raw} template (turns joined by newlines, no markup) until chat templates arrive.
 */
final class PromptRenderer {
    private PromptRenderer() { }

    static int[] tokens(Prompt prompt, Tokenizer tokenizer) {
        return switch (prompt) {
            case Prompt.Tokens t -> t.ids().stream().mapToInt(Integer::intValue).toArray();
            case Prompt.Text t -> tokenizer.encode(t.text(), true, true);
            case Prompt.Chat c -> tokenizer.encode(raw(c.messages()), true, false);
        };
    }

    static String raw(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::text).collect(Collectors.joining("\n")) + "\n";
    }
}
