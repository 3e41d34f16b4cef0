package dev.pocketllama.discord;

import dev.pocketllama.bot.testing.GreedyAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import dev.pocketllama.discord.fake.RestCall;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.pocketllama.discord.DiscordPlumbingTest.assertNoMentionsAllowed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole bot on Discord: the real JDA against the fake Discord, the real bot-core, and the real engine on
 * stories260K (greedy), so what users see is exactly what the model wrote.
 */
class DiscordStoriesTest {
    private static final String STORIES = "../shared/models/stories260K.gguf";
    private static final String STORIES_Q8 = "../shared/models/stories260K-Q8_0.gguf";

    private final FakeDiscord discord = FakeDiscord.start();
    private final FakeUser ann = discord.user("Ann");
    private final FakeUser boss = discord.admin("Boss");
    private Engine engine;
    private Bot bot;
    private DiscordAdapter adapter;
    private PocketLlamaConfig config;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        config = TestConfigs.forFake(discord, dir.resolve("store.db"), List.of(), true);
        engine = Engine.start(new EngineOptions(List.of(new ModelSpec("stories", Path.of(STORIES), "raw", 0),
                new ModelSpec("stories-q8", Path.of(STORIES_Q8), "raw", 0)), "stories", 1, 3, 64, 4, 16L << 20, null),
                LoadProgressListener.NONE);
        startBot();
    }

    private void startBot() {
        bot = Bot.start(config, engine);
        adapter = DiscordAdapter.start(config, bot);
    }

    private void stopBot() {
        adapter.close();
        bot.close();
    }

    @AfterEach
    void stop() {
        stopBot();
        engine.close();
        discord.close();
    }

    /** What the engine writes for one user turn at the configured (greedy) sampling, asked directly. */
    private String greedy(String text) throws Exception { return greedy(List.of(ChatMessage.user(text))); }

    /** What the engine writes for this conversation, asked directly. */
    private String greedy(List<ChatMessage> conversation) throws Exception {
        return GreedyAnswer.of(engine, conversation, config.sampling().maxTokens());
    }

    private JsonNode finalReplyTo(String questionId) { return finalReplyTo(discord.channelId, questionId); }

    /**
     * The bot's reply to a question once it is complete: its Stop button is gone. Not "edited": an answer the model
     * finished while the chat's edit pace still held its placeholder back arrives as one message, never edited.
     */
    private JsonNode finalReplyTo(String channel, String questionId) {
        return Eventually.value("the final reply to " + questionId, () -> discord.botMessages(channel).stream()
                .filter(m -> m.path("message_reference").path("message_id").asText().equals(questionId))
                .filter(m -> m.path("components").isEmpty())
                .reduce((first, last) -> last).orElse(null));
    }

    @Test
    void aMentionGetsAPlaceholderGrowingEditsAndTheModelsGreedyText() throws Exception {
        String expected = greedy("Once upon a time");
        String question = discord.mention(ann, "Once upon a time");

        JsonNode reply = finalReplyTo(question);

        assertEquals(expected.strip(), reply.path("content").asText().strip());
        String id = reply.path("id").asText();
        RestCall placeholder = discord.calls("POST", "/channels/\\d+/messages").getFirst();
        assertEquals(question, placeholder.body().path("message_reference").path("message_id").asText());
        assertTrue(placeholder.content().startsWith("⏳"), placeholder.content());
        // after the queue/typing status lines, every edit shows a longer beginning of the model's text
        List<String> texts = discord.calls("PATCH", "/channels/\\d+/messages/" + id).stream().map(RestCall::content)
                .filter(text -> !text.startsWith("⏳") && !text.startsWith("✍️")).toList();
        assertEquals(expected.strip(), texts.getLast().strip());
        for (int i = 1; i < texts.size(); i++) {
            // the last edit may show the text of the one before: it takes the Stop button away once the answer is done
            boolean grows = texts.get(i).length() > texts.get(i - 1).length() || i == texts.size() - 1;
            assertTrue(texts.get(i).startsWith(texts.get(i - 1)) && grows, "edits grow: " + texts);
        }
        discord.calls().stream().filter(c -> c.path().matches("/channels/\\d+/messages.*") && !c.method().equals("DELETE"))
                .forEach(call -> assertNoMentionsAllowed(call.body()));
    }

    @Test
    void aReplyAndAThreadContinueTheConversationAlsoAfterARestart() throws Exception {
        String question = discord.mention(ann, "Once upon a time");
        JsonNode answer = finalReplyTo(question);
        String answerText = answer.path("content").asText();

        stopBot();
        startBot();

        // the model sees the whole conversation, read back from the store by the new bot
        String followUp = discord.reply(ann, answer.path("id").asText(), "Then");
        String expected = greedy(List.of(ChatMessage.user("Once upon a time"), ChatMessage.assistant(answerText),
                ChatMessage.user("Then")));
        assertNotEquals(greedy("Then").strip(), expected.strip(), "the history changes the answer");
        JsonNode continued = finalReplyTo(followUp);
        assertEquals(expected.strip(), continued.path("content").asText().strip());

        // no mention, no reply: only the store knows the thread's starter is the bot's message
        String thread = discord.startThread(continued.path("id").asText());
        String inThread = discord.post(ann, thread, "And then");
        String expectedInThread = greedy(List.of(ChatMessage.user("Once upon a time"), ChatMessage.assistant(answerText),
                ChatMessage.user("Then"), ChatMessage.assistant(continued.path("content").asText()),
                ChatMessage.user("And then")));
        JsonNode threadReply = finalReplyTo(thread, inThread);
        assertEquals(expectedInThread.strip(), threadReply.path("content").asText().strip());
    }

    @Test
    void modelIsRefusedToMembersAndSwitchesForAdmins() {
        var refused = discord.slashCommand(ann, "model", Map.of("name", "stories-q8"));
        Eventually.until("the refusal", () -> discord.callback(refused).isPresent());
        JsonNode refusal = discord.callback(refused).orElseThrow();
        assertEquals("Only admins can switch models.", refusal.path("data").path("content").asText());
        assertEquals(64, refusal.path("data").path("flags").asInt() & 64, "only Ann sees it");

        var switched = discord.slashCommand(boss, "model", Map.of("name", "stories-q8"));
        Eventually.until("the switch", () -> "stories-q8".equals(engine.activeModel().name()));
        Eventually.until("the answer", () -> discord.originalResponse(switched).flatMap(discord::message)
                .map(m -> m.path("content").asText().contains("Now using stories-q8")).orElse(false));
    }

    @Test
    void autocompleteListsTheConfiguredModels() {
        var typing = discord.autocomplete(boss, "model", "name", "");
        Eventually.until("choices", () -> discord.callback(typing).isPresent());
        assertEquals(List.of("stories", "stories-q8"),
                discord.callback(typing).orElseThrow().path("data").path("choices").findValuesAsText("name"));
    }
}
