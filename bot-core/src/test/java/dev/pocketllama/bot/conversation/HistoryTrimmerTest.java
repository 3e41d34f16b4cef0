package dev.pocketllama.bot.conversation;

import dev.pocketllama.inference.api.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HistoryTrimmerTest {
    /** Ten tokens a message: easy to reason about. */
    static int count(List<ChatMessage> messages) { return messages.size() * 10; }

    static List<ChatMessage> turns(int pairs) {
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            turns.add(ChatMessage.user("q" + i));
            turns.add(ChatMessage.assistant("a" + i));
        }
        turns.add(ChatMessage.user("newest"));
        return turns;
    }

    @Test
    void everythingThatFitsIsKept() throws Exception {
        var trimmed = HistoryTrimmer.trim("sys", turns(2), 60, HistoryTrimmerTest::count);
        assertEquals(6, trimmed.messages().size());
        assertEquals(0, trimmed.droppedTurns());
        assertEquals(60, trimmed.promptTokens());
    }

    @Test
    void theOldestTurnsGoFirstAndTheSystemPromptStays() throws Exception {
        var trimmed = HistoryTrimmer.trim("sys", turns(5), 45, HistoryTrimmerTest::count);
        assertEquals(List.of(ChatMessage.system("sys"), ChatMessage.user("q4"), ChatMessage.assistant("a4"),
                ChatMessage.user("newest")), trimmed.messages());
        assertEquals(8, trimmed.droppedTurns());
    }

    @Test
    void theHistoryNeverStartsWithAnAnswer() throws Exception {
        var trimmed = HistoryTrimmer.trim(null, turns(5), 20, HistoryTrimmerTest::count);
        assertEquals(List.of(ChatMessage.user("newest")), trimmed.messages(), "a4 alone would fit, but not its question");
    }

    @Test
    void aNewestMessageThatCannotFitIsRefused() {
        var e = assertThrows(HistoryTrimmer.TooLongException.class,
                () -> HistoryTrimmer.trim("sys", turns(1), 15, HistoryTrimmerTest::count));
        assertEquals(20, e.tokens());
        assertEquals(15, e.budgetTokens());
    }
}
