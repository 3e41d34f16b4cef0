package dev.pocketllama.app;

import dev.pocketllama.bot.testing.GreedyAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.telegram.FakeTelegram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Telegram and Discord served at once, as {@code run} serves them, in one JVM with one OkHttp: the real
 * TelegramBots client and the real JDA against their fakes on 127.0.0.1, the real bot-core and the real engine.
 */
class BothPlatformsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int MAX_TOKENS = 40;

    private final FakeTelegram telegram = FakeTelegram.start();
    private final FakeDiscord discord = FakeDiscord.start();

    @TempDir
    Path dir;

    @AfterEach
    void stopFakes() {
        telegram.close();
        discord.close();
    }

    private PocketLlamaConfig writeAndLoadConfig() throws Exception {
        Path file = dir.resolve("pocketllama.yml");
        Files.writeString(file, """
                models: [{name: stories, path: ../shared/models/stories260K.gguf, template: raw}]
                sampling: {temperature: 0, repeatPenalty: 1, maxTokens: %d}
                telegram:
                  enabled: true
                  token: ${TELEGRAM_TOKEN}
                  apiUrl: %s
                  pollingTimeoutSeconds: 2
                discord:
                  enabled: true
                  token: ${DISCORD_TOKEN}
                  restUrl: %s
                  gatewayUrl: %s
                store: {path: %s}
                streaming: {telegramEditIntervalMillis: 300, discordEditIntervalMillis: 300}
                """.formatted(MAX_TOKENS, telegram.apiUrl(), discord.restUrl(), discord.gatewayUrl(),
                dir.resolve("conversations.db")));
        return ConfigLoader.load(file, Map.of("TELEGRAM_TOKEN", FakeTelegram.TOKEN, "DISCORD_TOKEN", "fake-token"));
    }

    /** The engine's own greedy answer to one user turn, asked directly. */
    private static String greedy(Engine engine, String text) throws Exception {
        return GreedyAnswer.of(engine, List.of(ChatMessage.user(text)), MAX_TOKENS);
    }

    @Test
    void aTelegramUserAndADiscordUserEachGetTheModelsGreedyAnswer() throws Exception {
        PocketLlamaConfig config = writeAndLoadConfig();
        Engine engine = EngineLauncher.start(config, LoadProgressListener.NONE);
        String forTelegram = greedy(engine, "Once upon a time");
        String forDiscord = greedy(engine, "Lily went to the park");
        assertFalse(forTelegram.isBlank());
        assertNotEquals(forTelegram.strip(), forDiscord.strip(), "the two answers tell the users apart");

        try (ServingBot serving = ServingBot.start(config, engine)) {
            assertEquals("Telegram and Discord", serving.platforms());
            var alice = new FakeTelegram.User(501, "Alice");
            FakeUser ann = discord.user("Ann");

            int telegramQuestion = telegram.privateMessage(alice, "Once upon a time");
            String discordQuestion = discord.mention(ann, "Lily went to the park");

            List<FakeTelegram.Shown> telegramReplies = telegram.await("Alice's complete answer", PATIENCE, () -> {
                List<FakeTelegram.Shown> replies = telegram.repliesTo(alice.id(), telegramQuestion);
                return !replies.isEmpty() && replies.stream().noneMatch(FakeTelegram.Shown::hasButtons) ? replies : null;
            });
            JsonNode discordReply = telegram.await("Ann's complete answer", PATIENCE, () ->
                    discord.botMessages(discord.channelId).stream()
                            .filter(m -> m.path("message_reference").path("message_id").asText().equals(discordQuestion))
                            .filter(m -> m.path("components").isEmpty() && !m.path("edited_timestamp").isNull())
                            .findFirst().orElse(null));

            assertEquals(1, telegramReplies.size(), () -> "one Telegram message: " + telegramReplies);
            assertEquals(forTelegram.strip(), telegramReplies.getFirst().text().strip());
            assertEquals(forDiscord.strip(), discordReply.path("content").asText().strip());
        }
    }

    @Test
    void theClasspathHoldsExactlyOneOkHttpAndItIsVersion5() throws Exception {
        List<String> okHttpJars = Collections.list(getClass().getClassLoader().getResources("okhttp3/OkHttpClient.class"))
                .stream().map(URL::toString).toList();
        assertEquals(1, okHttpJars.size(), () -> "one jar with okhttp3.OkHttpClient: " + okHttpJars);
        assertTrue(okHttpJars.getFirst().contains("/okhttp-jvm-5."), okHttpJars::getFirst);

        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        assertTrue(entries.stream().anyMatch(e -> e.contains("telegrambots-client")),
                () -> "java.class.path lists the real classpath: " + entries);
        List<String> okHttpEntries = entries.stream()
                .filter(e -> Path.of(e).getFileName().toString().matches("okhttp(-jvm)?-\\d.*\\.jar")).toList();
        assertEquals(1, okHttpEntries.size(), () -> "one OkHttp jar (okhttp 4.x excluded): " + okHttpEntries);

        // read at run time, not the constant the compiler would inline
        Object version = Class.forName("okhttp3.OkHttp").getField("VERSION").get(null);
        assertTrue(version.toString().startsWith("5."), "OkHttp " + version);
    }
}
