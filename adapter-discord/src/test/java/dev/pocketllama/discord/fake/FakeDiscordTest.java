package dev.pocketllama.discord.fake;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fake Discord is good enough for the real JDA: it logs in, sees the guild, receives and sends messages. */
class FakeDiscordTest {
    private final FakeDiscord discord = FakeDiscord.start();
    private JDA jda;

    @AfterEach
    void stop() {
        if (jda != null) jda.shutdownNow();
        discord.close();
    }

    @Test
    void realJdaLogsInReceivesAMessageAndAnswersIt() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        jda = JDABuilder.createLight("fake-token", List.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.MESSAGE_CONTENT))
                .setRestConfig(new RestConfig().setBaseUrl(discord.restUrl()))
                .setSessionController(new SessionControllerAdapter() {
                    @Override
                    public String getGateway() { return discord.gatewayUrl(); }
                })
                .setCompression(Compression.NONE)
                .addEventListeners(new ListenerAdapter() {
                    @Override
                    public void onMessageReceived(MessageReceivedEvent event) {
                        event.getChannel().sendMessage("echo: " + event.getMessage().getContentRaw())
                                .queue(sent -> received.complete(sent.getId()));
                    }
                })
                .build();
        jda.awaitReady();
        assertEquals(discord.guildId, jda.getGuilds().getFirst().getId());

        discord.post(discord.user("ann"), discord.channelId, "hello");

        String sentId = received.get(30, TimeUnit.SECONDS);
        assertEquals("echo: hello", discord.message(sentId).orElseThrow().path("content").asText());
    }
}
