package dev.pocketllama.discord;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.ReplyPort;
import dev.pocketllama.bot.StopOutcome;
import dev.pocketllama.discord.fake.FakeDiscord;
import dev.pocketllama.discord.fake.FakeUser;
import dev.pocketllama.discord.fake.RestCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The adapter's plumbing with the real JDA against the fake Discord, bot-core scripted at its seam: which events
 * reach bot-core and as what, and what each ReplyPort call makes users see.
 */
class DiscordPlumbingTest {
    private final FakeDiscord discord = FakeDiscord.start();
    private final Bot bot = mock(Bot.class);
    private final FakeUser ann = discord.user("Ann");
    private final FakeUser boss = discord.admin("Boss");
    private DiscordAdapter adapter;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        when(bot.isAdmin(eq(Platform.DISCORD), any())).thenAnswer(i -> ((Author) i.getArgument(1)).hasAdminRole());
        when(bot.modelNames()).thenReturn(List.of("stories", "stories-q8", "tiny"));
        adapter = DiscordAdapter.start(TestConfigs.forFake(discord, dir.resolve("store.db"), List.of(), true), bot);
    }

    @AfterEach
    void stop() {
        adapter.close();
        discord.close();
    }

    private record Received(InboundMessage message, ReplyPort replies) { }

    private Received received(int times) {
        var messages = ArgumentCaptor.forClass(InboundMessage.class);
        var ports = ArgumentCaptor.forClass(ReplyPort.class);
        verify(bot, timeout(30_000).times(times)).onMessage(messages.capture(), ports.capture());
        return new Received(messages.getValue(), ports.getValue());
    }

    @Test
    void registersTheSlashCommandsWithModelForAdminsOnly() {
        JsonNode commands = discord.calls("PUT", "/applications/\\d+/commands").getFirst().body();
        List<String> names = commands.findValuesAsText("name").stream().filter(n -> !n.equals("prompt")
                && !n.equals("name") && !n.equals("text")).toList();
        assertEquals(List.of("ask", "reset", "model", "models", "status", "system", "stop"), names);
        JsonNode model = commands.get(2);
        assertEquals("32", model.path("default_member_permissions").asText(), "Manage Server");
        assertTrue(model.path("options").get(0).path("autocomplete").asBoolean());
    }

    @Test
    void aMentionReachesBotCoreWithoutTheBotsMentionAndOthersByName() {
        String id = discord.post(ann, discord.channelId, "<@" + discord.bot.id() + "> ask <@" + ann.id() + "> in <#"
                + discord.channelId + "> about <@&" + discord.adminRoleId + ">");
        Received got = received(1);
        assertEquals(id, got.message().messageId());
        assertEquals(discord.channelId, got.message().chatId());
        assertEquals(ChatKind.GROUP, got.message().chatKind());
        assertEquals(new Author(ann.id(), "Ann", false), got.message().author());
        assertNull(got.message().replyToMessageId());
        assertEquals("ask @Ann in #general about @Llama Admins", got.message().text());
    }

    @Test
    void unrelatedMessagesAreIgnoredAndDirectMessagesAreNot() {
        discord.post(ann, discord.channelId, "just chatting with friends");
        String dm = discord.directMessage(ann, FakeDiscord.snowflake(), "hello bot");
        Received got = received(1);
        assertEquals(dm, got.message().messageId());
        assertEquals(ChatKind.PRIVATE, got.message().chatKind());
        assertEquals("hello bot", got.message().text());
    }

    @Test
    void sendRepliesWithAStopButtonAndNoMentionAllowedAndEditRemovesTheButton() throws Exception {
        String question = discord.mention(ann, "hi");
        ReplyPort replies = received(1).replies();

        String sent = replies.send(new OutgoingMessage("@everyone look", "job-1")).get(30, TimeUnit.SECONDS);
        RestCall send = discord.calls("POST", "/channels/\\d+/messages").getLast();
        assertEquals(question, send.body().path("message_reference").path("message_id").asText());
        assertNoMentionsAllowed(send.body());
        assertEquals("stop:job-1", discord.message(sent).orElseThrow().findValue("custom_id").asText());

        replies.edit(sent, OutgoingMessage.plain("@everyone look, done")).get(30, TimeUnit.SECONDS);
        JsonNode shown = discord.message(sent).orElseThrow();
        assertEquals("@everyone look, done", shown.path("content").asText());
        assertEquals(0, shown.path("components").size(), "the Stop button is gone");
        assertNoMentionsAllowed(discord.calls("PATCH", "/channels/\\d+/messages/" + sent).getLast().body());

        replies.typing().get(30, TimeUnit.SECONDS);
        assertEquals(1, discord.calls("POST", "/channels/" + discord.channelId + "/typing").size());
        replies.delete(sent).get(30, TimeUnit.SECONDS);
        assertTrue(discord.message(sent).isEmpty());
    }

    @Test
    void aRateLimitedEditWaitsForRetryAfterAndStillLands() throws Exception {
        discord.mention(ann, "hi");
        ReplyPort replies = received(1).replies();
        String sent = replies.send(OutgoingMessage.plain("one")).get(30, TimeUnit.SECONDS);
        discord.rateLimitNext("PATCH", "/channels/\\d+/messages/" + sent, 1);

        replies.edit(sent, OutgoingMessage.plain("two")).get(30, TimeUnit.SECONDS);

        List<RestCall> edits = discord.calls("PATCH", "/channels/\\d+/messages/" + sent);
        assertEquals(List.of(429, 200), edits.stream().map(RestCall::status).toList());
        long waitedNanos = edits.get(1).receivedNanos() - edits.get(0).finishedNanos();
        assertTrue(waitedNanos >= Duration.ofMillis(900).toNanos(), "waited only " + waitedNanos / 1_000_000 + " ms");
        assertEquals("two", discord.message(sent).orElseThrow().path("content").asText());
    }

    @Test
    void aReplyToABotMessageAndAThreadFromOneContinueTheConversation() throws Exception {
        discord.mention(ann, "hi");
        String answer = received(1).replies().send(OutgoingMessage.plain("hello Ann")).get(30, TimeUnit.SECONDS);
        when(bot.isBotMessage(Platform.DISCORD, discord.channelId, answer)).thenReturn(true);

        String reply = discord.reply(ann, answer, "tell me more");
        InboundMessage continued = received(2).message();
        assertEquals(reply, continued.messageId());
        assertEquals(answer, continued.replyToMessageId());
        assertEquals("tell me more", continued.text());

        String thread = discord.startThread(answer);
        discord.post(ann, thread, "and then?");
        InboundMessage inThread = received(3).message();
        assertEquals(discord.channelId, inThread.chatId());
        assertEquals(thread, inThread.threadId());
        assertEquals(answer, inThread.replyToMessageId());
        assertEquals("and then?", inThread.text());
    }

    @Test
    void askIsDeferredAtOnceAndStreamsIntoTheDeferredReply() throws Exception {
        var ask = discord.slashCommand(ann, "ask", Map.of("prompt", "a story"));
        Received got = received(1);
        assertEquals("a story", got.message().text());
        Eventually.until("the interaction is acknowledged", () -> discord.callback(ask).isPresent());
        assertEquals(5, discord.callback(ask).orElseThrow().path("type").asInt(), "deferred");

        String original = got.replies().send(new OutgoingMessage("Once", "job-2")).get(30, TimeUnit.SECONDS);
        assertEquals(discord.originalResponse(ask).orElseThrow(), original);
        got.replies().edit(original, OutgoingMessage.plain("Once upon a time")).get(30, TimeUnit.SECONDS);
        assertEquals("Once upon a time", discord.message(original).orElseThrow().path("content").asText());
        List<RestCall> edits = discord.calls("PATCH", "/webhooks/\\d+/[^/]+/messages/@original");
        assertEquals(2, edits.size());
        edits.forEach(edit -> assertNoMentionsAllowed(edit.body()));

        String continuation = got.replies().send(OutgoingMessage.plain("The end.")).get(30, TimeUnit.SECONDS);
        assertEquals(discord.channelId, discord.message(continuation).orElseThrow().path("channel_id").asText());
    }

    @Test
    void nearTheTokensExpiryTheReplyContinuesAsOrdinaryMessages() throws Exception {
        var ask = discord.slashCommandAt(ann, "ask", Map.of("prompt", "late"), Instant.now().minus(Duration.ofMinutes(14).plusSeconds(30)));
        ReplyPort replies = received(1).replies();
        String sent = replies.send(OutgoingMessage.plain("answer")).get(30, TimeUnit.SECONDS);
        replies.edit(sent, OutgoingMessage.plain("answer, edited")).get(30, TimeUnit.SECONDS);
        assertEquals("answer, edited", discord.message(sent).orElseThrow().path("content").asText());
        assertTrue(discord.calls("PATCH", "/webhooks/.*").isEmpty());
        // the acknowledgement was queued first, but on its own route: it may still be on its way
        Eventually.until("the interaction is acknowledged", () -> discord.callback(ask).isPresent());
        assertEquals(5, discord.callback(ask).orElseThrow().path("type").asInt());
    }

    @Test
    void modelIsRefusedToNonAdminsAndPassedOnForAdmins() {
        var refused = discord.slashCommand(ann, "model", Map.of("name", "tiny"));
        Eventually.until("the refusal", () -> discord.callback(refused).isPresent());
        JsonNode refusal = discord.callback(refused).orElseThrow();
        assertEquals(4, refusal.path("type").asInt());
        assertEquals(64, refusal.path("data").path("flags").asInt() & 64, "ephemeral");

        discord.slashCommand(boss, "model", Map.of("name", "tiny"));
        assertEquals("/model tiny", received(1).message().text());
    }

    @Test
    void autocompleteListsMatchingModels() {
        var typing = discord.autocomplete(boss, "model", "name", "sto");
        Eventually.until("choices", () -> discord.callback(typing).isPresent());
        JsonNode answer = discord.callback(typing).orElseThrow();
        assertEquals(8, answer.path("type").asInt());
        assertEquals(List.of("stories", "stories-q8"), answer.path("data").path("choices").findValuesAsText("name"));
    }

    @Test
    void stopButtonGoesToBotCoreAndARefusalIsEphemeral() throws Exception {
        discord.mention(ann, "hi");
        String sent = received(1).replies().send(new OutgoingMessage("thinking", "job-3")).get(30, TimeUnit.SECONDS);
        when(bot.onStop(eq(Platform.DISCORD), eq("job-3"), any())).thenAnswer(i ->
                ((Author) i.getArgument(2)).id().equals(ann.id()) ? StopOutcome.STOPPED : StopOutcome.NOT_ALLOWED);

        var stranger = discord.pressButton(discord.user("Eve"), sent, "stop:job-3");
        Eventually.until("the refusal", () -> discord.callback(stranger).isPresent());
        assertEquals(64, discord.callback(stranger).orElseThrow().path("data").path("flags").asInt() & 64);
        assertEquals(1, discord.message(sent).orElseThrow().path("components").size(), "button still there");

        var asker = discord.pressButton(ann, sent, "stop:job-3");
        Eventually.until("the stop", () -> discord.callback(asker).isPresent());
        JsonNode update = discord.callback(asker).orElseThrow();
        assertEquals(7, update.path("type").asInt());
        assertEquals(0, update.path("data").path("components").size(), "the button goes");
        verify(bot).onStop(eq(Platform.DISCORD), eq("job-3"), eq(new Author(ann.id(), "Ann", false)));
    }

    @Test
    void afterTheGatewayDropsJdaResumesAndMessagesArriveAgain() {
        discord.dropGateway();
        Eventually.until("JDA resumed the session", () -> discord.gatewayResumes() == 1);
        String question = discord.mention(ann, "still there?");
        assertEquals(question, received(1).message().messageId());
    }

    @Test
    void deletionsReachBotCore() {
        discord.deleteMessage("12345678901");
        verify(bot, timeout(30_000)).onMessageDeleted(Platform.DISCORD, discord.channelId, "12345678901");
    }

    static void assertNoMentionsAllowed(JsonNode body) {
        JsonNode allowed = body.path("allowed_mentions");
        assertTrue(allowed.isObject(), "allowed_mentions present in " + body);
        assertEquals(0, allowed.path("parse").size(), "parse: " + allowed);
        assertEquals(0, allowed.path("users").size(), "users: " + allowed);
        assertEquals(0, allowed.path("roles").size(), "roles: " + allowed);
        assertTrue(!allowed.path("replied_user").asBoolean(false), "replied_user: " + allowed);
    }
}
