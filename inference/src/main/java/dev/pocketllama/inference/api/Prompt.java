package dev.pocketllama.inference.api;

import java.util.List;

/** The input a request continues. */
public sealed interface Prompt {

    /** Plain text, tokenized as llama.cpp does (BOS added when the vocabulary asks for it, specials parsed). */
    record Text(String text) implements Prompt { }

    /** Token ids, used as they are. */
    record Tokens(List<Integer> ids) implements Prompt {
        public Tokens { ids = List.copyOf(ids); }
    }

    /** Chat turns, rendered through the model's chat template; generation stops at the template's end of turn. */
    record Chat(List<ChatMessage> messages) implements Prompt {
        public Chat { messages = List.copyOf(messages); }
    }
}
