package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.chat.ChatTemplate;
import dev.pocketllama.inference.tokenizer.Tokenizer;

/**
 * Turns a prompt into token ids: text tokenized as llama.cpp does (BOS as the vocabulary asks, specials parsed),
 * chat turns through the model's chat template.
 */
final class PromptRenderer {
    private PromptRenderer() { }

    static int[] tokens(Prompt prompt, Tokenizer tokenizer, ChatTemplate template) {
        return switch (prompt) {
            case Prompt.Tokens t -> t.ids().stream().mapToInt(Integer::intValue).toArray();
            case Prompt.Text t -> tokenizer.encode(t.text(), true, true);
            case Prompt.Chat c -> template.render(c.messages());
        };
    }
}
