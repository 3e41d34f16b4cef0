package dev.pocketllama.bot.conversation;

import dev.pocketllama.inference.api.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Fits a conversation into the model's context by exact token count: keeps the system prompt and the newest
 * turns, drops the oldest, and never starts the history with an answer whose question was dropped.
 */
public final class HistoryTrimmer {
    private HistoryTrimmer() { }

    /** The messages sent, and their exact prompt size. */
    public record Trimmed(List<ChatMessage> messages, int promptTokens, int droppedTurns) { }

    /** Even the newest message alone (with the system prompt) is over the budget. */
    public static final class TooLongException extends Exception {
        private final int tokens;
        private final int budgetTokens;

        TooLongException(int tokens, int budgetTokens) {
            super("the message needs " + tokens + " tokens; at most " + budgetTokens + " fit");
            this.tokens = tokens;
            this.budgetTokens = budgetTokens;
        }

        public int tokens() { return tokens; }

        public int budgetTokens() { return budgetTokens; }
    }

    /**
     * @param systemPrompt null or blank for none
     * @param turns        oldest first; the last is the new user message
     * @param counter      the engine's exact prompt token count, template included
     */
    public static Trimmed trim(String systemPrompt, List<ChatMessage> turns, int budgetTokens,
                               ToIntFunction<List<ChatMessage>> counter) throws TooLongException {
        if (turns.isEmpty()) throw new IllegalArgumentException("no turns");
        int last = turns.size() - 1;
        int newestOnly = counter.applyAsInt(withSystem(systemPrompt, turns.subList(last, turns.size())));
        if (newestOnly > budgetTokens) throw new TooLongException(newestOnly, budgetTokens);
        // The count only grows as older turns are kept, so search for the oldest start that fits.
        int fits = last;
        int fitsTokens = newestOnly;
        int low = 0;
        int high = last - 1;
        while (low <= high) {
            int start = (low + high) >>> 1;
            int tokens = counter.applyAsInt(withSystem(systemPrompt, turns.subList(start, turns.size())));
            if (tokens <= budgetTokens) {
                fits = start;
                fitsTokens = tokens;
                high = start - 1;
            } else {
                low = start + 1;
            }
        }
        int start = fits;
        while (start < last && turns.get(start).role() != ChatMessage.Role.USER) start++;
        if (start != fits) fitsTokens = counter.applyAsInt(withSystem(systemPrompt, turns.subList(start, turns.size())));
        return new Trimmed(withSystem(systemPrompt, turns.subList(start, turns.size())), fitsTokens, start);
    }

    private static List<ChatMessage> withSystem(String systemPrompt, List<ChatMessage> turns) {
        if (systemPrompt == null || systemPrompt.isBlank()) return List.copyOf(turns);
        List<ChatMessage> messages = new ArrayList<>(turns.size() + 1);
        messages.add(ChatMessage.system(systemPrompt));
        messages.addAll(turns);
        return messages;
    }
}
