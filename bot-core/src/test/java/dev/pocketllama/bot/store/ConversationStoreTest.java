package dev.pocketllama.bot.store;

import dev.pocketllama.bot.Platform;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.ChatMessage.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversationStoreTest {

    @Test
    void everythingSurvivesClosingAndReopening(@TempDir Path dir) {
        String file = dir.resolve("sub/bot.db").toString();
        long answer;
        try (var store = ConversationStore.open(file)) {
            long conversation = store.newConversation(Platform.TELEGRAM, "-100");
            long question = store.addTurn(conversation, null, Role.USER, "Tell me a story", "42");
            answer = store.addTurn(conversation, question, Role.ASSISTANT, "Once upon a time", null);
            store.indexMessage(Platform.TELEGRAM, "-100", "7", question, false);
            store.indexMessage(Platform.TELEGRAM, "-100", "8", answer, true);
            store.setHead(Platform.TELEGRAM, "-100", new ChatHead(conversation, answer));
            store.setSystemPrompt(Platform.TELEGRAM, "-100", "Be brief.");
        }
        try (var store = ConversationStore.open(file)) {
            StoredTurn found = store.turnOfMessage(Platform.TELEGRAM, "-100", "8").orElseThrow();
            assertEquals(answer, found.id());
            assertEquals(List.of(ChatMessage.user("Tell me a story"), ChatMessage.assistant("Once upon a time")),
                    store.chain(found.id(), 100).stream().map(StoredTurn::message).toList());
            assertTrue(store.isBotMessage(Platform.TELEGRAM, "-100", "8"));
            assertFalse(store.isBotMessage(Platform.TELEGRAM, "-100", "7"), "the user's message is not the bot's");
            assertFalse(store.isBotMessage(Platform.DISCORD, "-100", "8"), "platforms are apart");
            assertEquals(Optional.of(new ChatHead(found.conversationId(), answer)), store.head(Platform.TELEGRAM, "-100"));
            assertEquals(Optional.of("Be brief."), store.systemPrompt(Platform.TELEGRAM, "-100"));
        }
    }

    @Test
    void branchesOfAReplyTreeHaveTheirOwnHistory() {
        try (var store = ConversationStore.open(":memory:")) {
            long c = store.newConversation(Platform.DISCORD, "chan");
            long q = store.addTurn(c, null, Role.USER, "q", "1");
            long a = store.addTurn(c, q, Role.ASSISTANT, "a", null);
            long left = store.addTurn(c, a, Role.USER, "left", "1");
            long right = store.addTurn(c, a, Role.USER, "right", "2");
            assertEquals(List.of("q", "a", "left"), store.chain(left, 100).stream().map(StoredTurn::text).toList());
            assertEquals(List.of("q", "a", "right"), store.chain(right, 100).stream().map(StoredTurn::text).toList());
            assertEquals(List.of("a", "right"), store.chain(right, 2).stream().map(StoredTurn::text).toList());
        }
    }

    @Test
    void resetAndDefaultSystemPrompt() {
        try (var store = ConversationStore.open(":memory:")) {
            long c = store.newConversation(Platform.CONSOLE, "console");
            store.setHead(Platform.CONSOLE, "console", new ChatHead(c, null));
            assertEquals(Optional.of(new ChatHead(c, null)), store.head(Platform.CONSOLE, "console"));
            store.clearHead(Platform.CONSOLE, "console");
            assertEquals(Optional.empty(), store.head(Platform.CONSOLE, "console"));
            store.setSystemPrompt(Platform.CONSOLE, "console", "x");
            store.setSystemPrompt(Platform.CONSOLE, "console", null);
            assertEquals(Optional.empty(), store.systemPrompt(Platform.CONSOLE, "console"));
        }
    }

    @Test
    void anUnusablePathSaysWhatToCheck(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        var e = assertThrows(IllegalStateException.class, () -> ConversationStore.open(file.resolve("bot.db").toString()));
        assertTrue(e.getMessage().contains("check store.path"), e.getMessage());
    }
}
