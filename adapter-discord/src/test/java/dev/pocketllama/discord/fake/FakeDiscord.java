package dev.pocketllama.discord.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Discord on 127.0.0.1 for the real JDA to talk to: REST (JDK HTTP server) plus gateway (WebSocket).
 * It knows one guild with one text channel, owned by the bot; it records every REST call so tests assert what a
 * user would see, keeps the messages the bot sent (with their latest text), can answer a route with a 429, and
 * dispatches the user actions a test asks for: messages, replies, DMs, threads, slash commands, autocomplete,
 * button presses, deletions.
 */
public final class FakeDiscord implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;
    private static final AtomicLong SNOWFLAKE_COUNTER = new AtomicLong();
    private static final Pattern ID = Pattern.compile("\\d{5,}");
    private static final long MESSAGE_CONTENT_INTENT = 1L << 15;

    public final FakeUser bot = new FakeUser(snowflake(), "PocketLlama", List.of());
    public final String guildId = snowflake();
    public final String channelId = snowflake();
    public final String adminRoleId = snowflake();

    private final List<RestCall> calls = new ArrayList<>();
    private final Map<String, FakeUser> users = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> messages = new ConcurrentHashMap<>();
    private final Map<String, String> threadParents = new ConcurrentHashMap<>();
    private final Map<String, String> originalByToken = new ConcurrentHashMap<>();
    private final Map<String, String> channelByToken = new ConcurrentHashMap<>();
    private final Map<String, String> buttonMessageByToken = new ConcurrentHashMap<>();
    private final Map<String, String> commandIds = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<RateLimit> rateLimits = new ConcurrentLinkedDeque<>();
    private final HttpServer rest;
    private volatile boolean tokenRejected;
    private final ExecutorService restThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fake-discord-rest");
        thread.setDaemon(true);
        return thread;
    });
    private final FakeGateway gateway;

    private record RateLimit(String method, Pattern path, int retryAfterSeconds) { }

    /** A user action the fake dispatched that expects an interaction callback. */
    public record Interaction(String id, String token) { }

    private FakeDiscord() throws IOException {
        users.put(bot.id(), bot);
        rest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rest.createContext("/", this::handle);
        rest.setExecutor(restThreads);
        gateway = new FakeGateway(this::ready, this::guildCreate);
    }

    public static FakeDiscord start() {
        try {
            FakeDiscord fake = new FakeDiscord();
            fake.rest.start();
            fake.gateway.startAndWait();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Discord", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String restUrl() { return "http://127.0.0.1:" + rest.getAddress().getPort() + "/api/v10/"; }

    public String gatewayUrl() { return gateway.url(); }

    /** A snowflake for now: JDA derives times (e.g. when an interaction token expires) from ids. */
    public static String snowflake() { return snowflakeAt(Instant.now()); }

    public static String snowflakeAt(Instant time) {
        long counter = SNOWFLAKE_COUNTER.incrementAndGet() & 0x3F_FFFF;
        return Long.toString(((time.toEpochMilli() - DISCORD_EPOCH_MILLIS) << 22) | counter);
    }

    public FakeUser user(String name) { return known(new FakeUser(snowflake(), name, List.of())); }

    /** A user with the guild's admin role. */
    public FakeUser admin(String name) { return known(new FakeUser(snowflake(), name, List.of(adminRoleId))); }

    private FakeUser known(FakeUser user) {
        users.put(user.id(), user);
        return user;
    }

    // ---- what the bot did ----

    public List<RestCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<RestCall> calls(String method, String pathRegex) {
        return calls().stream().filter(call -> call.is(method, pathRegex)).toList();
    }

    /** Calls that create or change what users see: messages sent, edited, deleted, interaction answers. */
    public List<RestCall> messageWrites() {
        return calls().stream().filter(call -> !call.method().equals("GET") && !call.path().endsWith("/typing")
                && !call.path().startsWith("/applications/")).toList();
    }

    /** A message as users now see it (bot messages with their latest edit), if it exists. */
    public Optional<JsonNode> message(String id) { return Optional.ofNullable(messages.get(id)).map(JsonNode::deepCopy); }

    /** Messages the bot sent into a channel, oldest first, as users now see them. */
    public List<JsonNode> botMessages(String channel) {
        return messages.values().stream()
                .filter(m -> m.path("channel_id").asText().equals(channel) && m.path("author").path("id").asText().equals(bot.id()))
                .sorted((a, b) -> Long.compareUnsigned(Long.parseUnsignedLong(a.path("id").asText()), Long.parseUnsignedLong(b.path("id").asText())))
                .map(m -> (JsonNode) m.deepCopy()).toList();
    }

    /** The gateway connection drops as in a Discord gateway restart; a client should reconnect and resume. */
    public void dropGateway() { gateway.drop(); }

    public int gatewayResumes() { return gateway.resumes(); }

    /** From now on the bot's token is refused, as Discord does after the token was reset. */
    public void rejectToken() { tokenRejected = true; }

    /** The next request matching method and path is answered 429 with this retry_after (and the headers JDA reads). */
    public void rateLimitNext(String method, String pathRegex, int retryAfterSeconds) {
        rateLimits.add(new RateLimit(method, Pattern.compile(pathRegex), retryAfterSeconds));
    }

    /** The message id the deferred/answered interaction's original response has, once it was answered. */
    public Optional<String> originalResponse(Interaction interaction) {
        return Optional.ofNullable(originalByToken.get(interaction.token()));
    }

    // ---- what users do ----

    /** A user posts a message in a channel (the guild's text channel, a thread, or a DM channel). */
    public String post(FakeUser author, String channel, String content) {
        ObjectNode message = userMessage(author, channel, content);
        dispatchMessage(message);
        return message.path("id").asText();
    }

    /**
     * Like Discord, without the Message Content intent a guild message reaches the bot with empty content unless
     * it mentions the bot.
     */
    private void dispatchMessage(ObjectNode message) {
        boolean mentionsBot = message.path("mentions").findValuesAsText("id").contains(bot.id());
        if ((gateway.intents() & MESSAGE_CONTENT_INTENT) == 0 && message.has("guild_id") && !mentionsBot) {
            message.put("content", "");
        }
        gateway.dispatch("MESSAGE_CREATE", message);
    }

    /** A user writes {@code <@bot> content} in the guild channel. */
    public String mention(FakeUser author, String content) {
        return post(author, channelId, "<@" + bot.id() + "> " + content);
    }

    /** A user replies to a message (Discord adds the replied-to author to the mentions, as the client does). */
    public String reply(FakeUser author, String toMessageId, String content) {
        ObjectNode target = messages.get(toMessageId);
        if (target == null) throw new IllegalArgumentException("no message " + toMessageId);
        String channel = target.path("channel_id").asText();
        ObjectNode message = userMessage(author, channel, content);
        message.put("type", 19);
        message.putObject("message_reference").put("type", 0).put("message_id", toMessageId)
                .put("channel_id", channel).put("guild_id", guildId);
        message.set("referenced_message", target.deepCopy());
        message.withArray("mentions").add(target.path("author").deepCopy());
        dispatchMessage(message);
        return message.path("id").asText();
    }

    /** A user writes to the bot in a private channel; returns the DM channel id. */
    public String directMessage(FakeUser author, String dmChannelId, String content) {
        ObjectNode message = userMessage(author, dmChannelId, content);
        message.remove("guild_id");
        message.remove("member");
        gateway.dispatch("MESSAGE_CREATE", message);
        return message.path("id").asText();
    }

    /** A user starts a public thread from a message in the guild channel; the thread's id is the message's. */
    public String startThread(String starterMessageId) {
        ObjectNode thread = JSON.createObjectNode().put("id", starterMessageId).put("type", 11)
                .put("guild_id", guildId).put("parent_id", channelId).put("name", "thread")
                .put("owner_id", bot.id()).put("member_count", 2).put("message_count", 0).put("flags", 0)
                .put("rate_limit_per_user", 0);
        thread.putObject("thread_metadata").put("archived", false).put("locked", false).put("invitable", true)
                .put("auto_archive_duration", 1440).put("archive_timestamp", Instant.now().toString());
        thread.put("newly_created", true);
        threadParents.put(starterMessageId, channelId);
        gateway.dispatch("THREAD_CREATE", thread);
        return starterMessageId;
    }

    public void deleteMessage(String messageId) {
        ObjectNode message = messages.remove(messageId);
        String channel = message == null ? channelId : message.path("channel_id").asText();
        gateway.dispatch("MESSAGE_DELETE", JSON.createObjectNode().put("id", messageId)
                .put("channel_id", channel).put("guild_id", guildId));
    }

    /** A user runs a slash command in the guild channel; options are string options by name. */
    public Interaction slashCommand(FakeUser user, String command, Map<String, String> options) {
        return slashCommandAt(user, command, options, Instant.now());
    }

    /** A slash command whose interaction was created at {@code createdAt} (its token expires 15 minutes later). */
    public Interaction slashCommandAt(FakeUser user, String command, Map<String, String> options, Instant createdAt) {
        ObjectNode interaction = interaction(user, 2, snowflakeAt(createdAt));
        ObjectNode data = interaction.putObject("data").put("id", commandIds.getOrDefault(command, snowflake()))
                .put("name", command).put("type", 1);
        ArrayNode array = data.putArray("options");
        options.forEach((name, value) -> array.addObject().put("name", name).put("type", 3).put("value", value));
        gateway.dispatch("INTERACTION_CREATE", interaction);
        return new Interaction(interaction.path("id").asText(), interaction.path("token").asText());
    }

    /** A user types into a slash command's option: JDA asks the bot for choices. */
    public Interaction autocomplete(FakeUser user, String command, String option, String typed) {
        ObjectNode interaction = interaction(user, 4, snowflake());
        ObjectNode data = interaction.putObject("data").put("id", commandIds.getOrDefault(command, snowflake()))
                .put("name", command).put("type", 1);
        data.putArray("options").addObject().put("name", option).put("type", 3).put("value", typed)
                .put("focused", true);
        gateway.dispatch("INTERACTION_CREATE", interaction);
        return new Interaction(interaction.path("id").asText(), interaction.path("token").asText());
    }

    /** A user presses a button under a message the bot sent. */
    public Interaction pressButton(FakeUser user, String messageId, String customId) {
        ObjectNode message = messages.get(messageId);
        if (message == null) throw new IllegalArgumentException("no message " + messageId);
        ObjectNode interaction = interaction(user, 3, snowflake());
        interaction.putObject("data").put("custom_id", customId).put("component_type", 2);
        interaction.set("message", message.deepCopy());
        buttonMessageByToken.put(interaction.path("token").asText(), messageId);
        gateway.dispatch("INTERACTION_CREATE", interaction);
        return new Interaction(interaction.path("id").asText(), interaction.path("token").asText());
    }

    /** The JSON body of the callback the bot sent for an interaction, if it answered. */
    public Optional<JsonNode> callback(Interaction interaction) {
        return calls("POST", "/interactions/" + interaction.id() + "/.*/callback").stream().findFirst()
                .map(RestCall::body);
    }

    // ---- JSON the gateway and REST send ----

    private ObjectNode ready() {
        ObjectNode ready = JSON.createObjectNode().put("v", 10).put("session_id", "fake-session")
                .put("resume_gateway_url", gateway.url());
        ready.set("user", userJson(bot, true).put("verified", true).put("mfa_enabled", false));
        ready.putArray("guilds").addObject().put("id", guildId).put("unavailable", true);
        ready.putArray("private_channels");
        ready.putObject("application").put("id", bot.id()).put("flags", 0);
        ready.putArray("shard").add(0).add(1);
        return ready;
    }

    private ObjectNode guildCreate() {
        ObjectNode guild = JSON.createObjectNode().put("id", guildId).put("name", "Fake Guild")
                .put("owner_id", bot.id()).put("afk_timeout", 300).put("unavailable", false)
                .put("member_count", 3).put("large", false).put("joined_at", Instant.now().toString())
                .put("verification_level", 0).put("default_message_notifications", 0)
                .put("explicit_content_filter", 0).put("mfa_level", 0).put("premium_tier", 0)
                .put("preferred_locale", "en-US").put("nsfw_level", 0);
        ArrayNode roles = guild.putArray("roles");
        roles.add(role(guildId, "@everyone", "3072"));
        roles.add(role(adminRoleId, "Llama Admins", "0"));
        ArrayNode channels = guild.putArray("channels");
        channels.addObject().put("id", channelId).put("type", 0).put("name", "general").put("position", 0)
                .put("nsfw", false).put("guild_id", guildId).putArray("permission_overwrites");
        guild.putArray("threads");
        guild.putArray("members").add(member(bot));
        for (String empty : List.of("emojis", "stickers", "voice_states", "presences", "guild_scheduled_events",
                "features", "stage_instances", "soundboard_sounds")) {
            guild.putArray(empty);
        }
        return guild;
    }

    private static ObjectNode role(String id, String name, String permissions) {
        ObjectNode role = JSON.createObjectNode().put("id", id).put("name", name).put("permissions", permissions)
                .put("position", 0).put("managed", false).put("hoist", false).put("mentionable", false)
                .put("color", 0).put("flags", 0);
        role.putObject("colors").put("primary_color", 0);
        return role;
    }

    private static ObjectNode userJson(FakeUser user, boolean isBot) {
        return JSON.createObjectNode().put("id", user.id()).put("username", user.name())
                .put("global_name", user.name()).put("discriminator", "0").putNull("avatar").put("bot", isBot)
                .put("public_flags", 0);
    }

    private ObjectNode member(FakeUser user) {
        ObjectNode member = JSON.createObjectNode();
        member.set("user", userJson(user, user.equals(bot)));
        ArrayNode roles = member.putArray("roles");
        user.roleIds().forEach(roles::add);
        member.put("joined_at", "2024-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false)
                .put("flags", 0).put("pending", false).putNull("nick");
        return member;
    }

    private ObjectNode userMessage(FakeUser author, String channel, String content) {
        ObjectNode message = baseMessage(snowflake(), channel, userJson(author, false), content);
        ObjectNode member = member(author);
        member.remove("user");
        message.set("member", member);
        // like Discord, list the users the content mentions
        Matcher mentioned = Pattern.compile("<@!?(\\d+)>").matcher(content);
        while (mentioned.find()) {
            FakeUser user = users.get(mentioned.group(1));
            if (user == null) continue;
            ObjectNode mention = userJson(user, user.equals(bot));
            mention.set("member", member(user).without("user"));
            message.withArray("mentions").add(mention);
        }
        Matcher roles = Pattern.compile("<@&(\\d+)>").matcher(content);
        while (roles.find()) message.withArray("mention_roles").add(roles.group(1));
        return message;
    }

    private ObjectNode baseMessage(String id, String channel, ObjectNode author, String content) {
        ObjectNode message = JSON.createObjectNode().put("id", id).put("channel_id", channel).put("guild_id", guildId)
                .put("type", 0).put("content", content).put("timestamp", Instant.now().toString())
                .putNull("edited_timestamp").put("tts", false).put("mention_everyone", false).put("pinned", false)
                .put("flags", 0);
        message.set("author", author);
        for (String empty : List.of("mentions", "mention_roles", "attachments", "embeds", "components")) {
            message.putArray(empty);
        }
        return message;
    }

    private ObjectNode interaction(FakeUser user, int type, String id) {
        ObjectNode interaction = JSON.createObjectNode().put("id", id).put("application_id", bot.id())
                .put("type", type).put("token", "token-" + id).put("version", 1).put("guild_id", guildId)
                .put("channel_id", channelId).put("locale", "en-US").put("guild_locale", "en-US")
                .put("context", 0).put("app_permissions", "3072");
        interaction.putObject("guild").put("id", guildId).put("locale", "en-US").putArray("features");
        interaction.putObject("channel").put("id", channelId).put("type", 0).put("name", "general")
                .put("guild_id", guildId).put("position", 0).put("nsfw", false).putArray("permission_overwrites");
        ObjectNode member = member(user).put("permissions", "3072");
        interaction.set("member", member);
        interaction.putObject("authorizing_integration_owners").put("0", guildId);
        interaction.putArray("entitlements");
        channelByToken.put("token-" + id, channelId);
        return interaction;
    }

    // ---- REST ----

    private void handle(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath().replaceFirst("^/api/v10", "");
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        RateLimit limit = takeRateLimit(method, path);
        Answer answer;
        if (limit != null) {
            exchange.getResponseHeaders().add("Retry-After", Integer.toString(limit.retryAfterSeconds()));
            exchange.getResponseHeaders().add("X-RateLimit-Scope", "user");
            exchange.getResponseHeaders().add("X-RateLimit-Remaining", "0");
            exchange.getResponseHeaders().add("X-RateLimit-Reset-After", limit.retryAfterSeconds() + ".000");
            answer = new Answer(429, JSON.createObjectNode().put("message", "You are being rate limited.")
                    .put("retry_after", (double) limit.retryAfterSeconds()).put("global", false));
        } else {
            try {
                answer = answer(method, path, body);
            } catch (RuntimeException e) {
                answer = new Answer(500, JSON.createObjectNode().put("message", e.toString()).put("code", 0));
            }
        }
        // recorded before the bot can see the answer, so a test that waited for the bot finds the call
        synchronized (calls) {
            calls.add(new RestCall(method, path, body, received, System.nanoTime(), answer.status()));
        }
        respond(exchange, answer.status(), bucket(method, path), answer.body());
    }

    private RateLimit takeRateLimit(String method, String path) {
        for (RateLimit limit : rateLimits) {
            if (limit.method().equals(method) && limit.path().matcher(path).matches() && rateLimits.remove(limit)) {
                return limit;
            }
        }
        return null;
    }

    private record Answer(int status, JsonNode body) {
        static Answer ok(JsonNode body) { return new Answer(200, body); }
        static Answer noContent() { return new Answer(204, null); }
    }

    private Answer answer(String method, String path, JsonNode body) {
        Matcher m;
        if (tokenRejected) return new Answer(401, JSON.createObjectNode().put("message", "401: Unauthorized").put("code", 0));
        if (method.equals("GET") && path.equals("/users/@me")) {
            return Answer.ok(userJson(bot, true).put("verified", true).put("mfa_enabled", false));
        }
        if (method.equals("GET") && path.equals("/gateway/bot")) {
            ObjectNode gw = JSON.createObjectNode().put("url", gateway.url()).put("shards", 1);
            gw.putObject("session_start_limit").put("total", 1000).put("remaining", 1000)
                    .put("reset_after", 0).put("max_concurrency", 1);
            return Answer.ok(gw);
        }
        if (method.equals("PUT") && (m = match("/applications/(\\d+)/commands", path)) != null) {
            ArrayNode registered = JSON.createArrayNode();
            for (JsonNode command : body) {
                ObjectNode copy = command.deepCopy();
                String id = snowflake();
                copy.put("id", id).put("application_id", m.group(1)).put("version", id);
                commandIds.put(copy.path("name").asText(), id);
                registered.add(copy);
            }
            return Answer.ok(registered);
        }
        if (method.equals("POST") && (m = match("/channels/(\\d+)/typing", path)) != null) {
            return Answer.noContent();
        }
        if (method.equals("POST") && (m = match("/channels/(\\d+)/messages", path)) != null) {
            return Answer.ok(createBotMessage(m.group(1), body));
        }
        if (method.equals("PATCH") && (m = match("/channels/(\\d+)/messages/(\\d+)", path)) != null) {
            return editBotMessage(m.group(2), body);
        }
        if (method.equals("DELETE") && (m = match("/channels/(\\d+)/messages/(\\d+)", path)) != null) {
            return messages.remove(m.group(2)) == null ? unknownMessage() : Answer.noContent();
        }
        if (method.equals("POST") && (m = match("/interactions/(\\d+)/([^/]+)/callback", path)) != null) {
            return interactionCallback(m.group(2), body);
        }
        if (method.equals("PATCH") && (m = match("/webhooks/(\\d+)/([^/]+)/messages/@original", path)) != null) {
            String original = originalByToken.get(m.group(2));
            return original == null ? unknownMessage() : editBotMessage(original, body);
        }
        if (method.equals("DELETE") && (m = match("/webhooks/(\\d+)/([^/]+)/messages/@original", path)) != null) {
            String original = originalByToken.remove(m.group(2));
            return original == null || messages.remove(original) == null ? unknownMessage() : Answer.noContent();
        }
        if (method.equals("POST") && (m = match("/webhooks/(\\d+)/([^/]+)", path)) != null) {
            return Answer.ok(createBotMessage(channelByToken.getOrDefault(m.group(2), channelId), body));
        }
        if (method.equals("PATCH") && (m = match("/webhooks/(\\d+)/([^/]+)/messages/(\\d+)", path)) != null) {
            return editBotMessage(m.group(3), body);
        }
        return new Answer(404, JSON.createObjectNode().put("message", "404: Not Found").put("code", 0));
    }

    private Answer interactionCallback(String token, JsonNode body) {
        int type = body.path("type").asInt();
        String channel = channelByToken.getOrDefault(token, channelId);
        switch (type) {
            case 4, 5 -> {
                JsonNode data = body.path("data");
                ObjectNode original = createBotMessage(channel, data.isMissingNode() ? JSON.createObjectNode() : data);
                if (type == 5) original.put("flags", original.path("flags").asInt() | 128); // "thinking..."
                originalByToken.put(token, original.path("id").asText());
            }
            case 7 -> editBotMessage(buttonMessageByToken.get(token), body.path("data"));
            default -> { }
        }
        return Answer.noContent();
    }

    private ObjectNode createBotMessage(String channel, JsonNode body) {
        ObjectNode message = baseMessage(snowflake(), channel, userJson(bot, true), body.path("content").asText(""));
        if (!threadParents.containsKey(channel) && !channel.equals(channelId)) message.remove("guild_id");
        if (body.has("components")) message.set("components", body.get("components").deepCopy());
        if (body.has("flags")) message.put("flags", body.get("flags").asInt());
        JsonNode reference = body.path("message_reference");
        if (reference.has("message_id")) {
            message.put("type", 19);
            message.putObject("message_reference").put("type", 0)
                    .put("message_id", reference.path("message_id").asText()).put("channel_id", channel);
        }
        messages.put(message.path("id").asText(), message);
        return message.deepCopy();
    }

    private Answer editBotMessage(String id, JsonNode body) {
        ObjectNode message = id == null ? null : messages.get(id);
        if (message == null) return unknownMessage();
        synchronized (message) {
            if (body.has("content")) message.put("content", body.get("content").asText());
            if (body.has("components")) message.set("components", body.get("components").deepCopy());
            message.put("flags", message.path("flags").asInt() & ~128);
            message.put("edited_timestamp", Instant.now().toString());
            return Answer.ok(message.deepCopy());
        }
    }

    private static Answer unknownMessage() {
        return new Answer(404, JSON.createObjectNode().put("message", "Unknown Message").put("code", 10008));
    }

    private static Matcher match(String regex, String path) {
        Matcher matcher = Pattern.compile(regex).matcher(path);
        return matcher.matches() ? matcher : null;
    }

    private static String bucket(String method, String path) {
        return Integer.toHexString((method + ID.matcher(path).replaceAll("{id}")).hashCode());
    }

    private static void respond(HttpExchange exchange, int status, String bucket, JsonNode body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.add("X-RateLimit-Bucket", bucket);
        headers.add("Via", "1.1 google");
        if (status != 429) {
            headers.add("X-RateLimit-Limit", "50");
            headers.add("X-RateLimit-Remaining", "49");
            headers.add("X-RateLimit-Reset-After", "1.000");
        }
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            headers.add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        rest.stop(0);
        restThreads.shutdownNow();
        try {
            gateway.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
