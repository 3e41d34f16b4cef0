package dev.pocketllama.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Telegram Bot API server on 127.0.0.1 for tests, strict where Telegram is: it holds long polls, keeps the chats'
 * messages so edits, replies and "message is not modified" behave as on Telegram, rejects HTML that Telegram's parser
 * would reject and texts over 4,096 characters, and can answer a chosen call with a 429. It records every call so a
 * test asserts what a user would see. Tests inject users' messages and button presses as updates.
 */
public final class FakeTelegram implements AutoCloseable {

    public static final String TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final long BOT_ID = 110201543L;
    static final String BOT_USERNAME = "pocket_llama_bot";

    /** Someone talking to the bot. */
    public record User(long id, String firstName) { }

    /** One request the client made: the method (lower-case, as it arrives), its parameters, when it arrived. */
    record Call(String method, ObjectNode params, long arrivedNanos) {
        String text(String field) { return params.hasNonNull(field) ? params.get(field).asText() : null; }

        long chatId() { return Long.parseLong(text("chat_id")); }

        int messageId() { return Integer.parseInt(text("message_id")); }

        /** The text this send or edit showed the user. */
        String shownText() {
            String text = text("text");
            return "html".equalsIgnoreCase(text("parse_mode")) ? TelegramHtmlChecker.visibleText(text) : text;
        }
    }

    /** A message as the user sees it now. */
    public record Shown(long chatId, int messageId, long fromId, String text, JsonNode replyMarkup, Integer replyToMessageId) {
        public boolean hasButtons() { return replyMarkup != null && !replyMarkup.isNull(); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PATH = Pattern.compile("^/bot([^/]+)/([A-Za-z]+)$");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern PART_NAME = Pattern.compile("name=\"([^\"]+)\"");

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
            .name("fake-telegram-", 0).factory());
    private final List<Call> calls = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<ObjectNode> pendingUpdates = new ArrayList<>();
    private final Map<Long, Map<Integer, ObjectNode>> chats = new HashMap<>();
    private final Map<String, Deque<ObjectNode>> scriptedFailures = new HashMap<>();
    private int nextUpdateId = 1;
    private int nextMessageId = 100;
    private int nextCallbackId = 1;
    private boolean closed;

    private FakeTelegram() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeTelegram start() {
        try {
            return new FakeTelegram();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL to configure as {@code telegram.apiUrl}. */
    public String apiUrl() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    int port() { return server.getAddress().getPort(); }

    // ---- what users do ------------------------------------------------------------------------------------------

    /** A user writes to the bot in their private chat (whose id is the user's id); returns the message id. */
    public int privateMessage(User from, String text) {
        return post(from.id(), "private", from, text, null, null);
    }

    /** A user writes in a group chat; returns the message id. */
    int groupMessage(long chatId, User from, String text) {
        return post(chatId, "supergroup", from, text, null, null);
    }

    /** A user replies in a group chat to an earlier message; returns the message id. */
    int groupReply(long chatId, User from, String text, int replyToMessageId) {
        return post(chatId, "supergroup", from, text, replyToMessageId, null);
    }

    /** A user writes in a forum topic of a group chat; returns the message id. */
    int topicMessage(long chatId, int threadId, User from, String text) {
        return post(chatId, "supergroup", from, text, null, threadId);
    }

    /** A user presses the inline button carrying {@code data} under a message; returns the callback query id. */
    synchronized String pressButton(User from, long chatId, int messageId, String data) {
        ObjectNode message = chats.getOrDefault(chatId, Map.of()).get(messageId);
        if (message == null) throw new IllegalArgumentException("no message " + messageId + " in chat " + chatId);
        String id = "cq" + nextCallbackId++;
        ObjectNode query = NODES.objectNode().put("id", id).put("chat_instance", "ci" + chatId).put("data", data);
        query.set("from", userJson(from));
        query.set("message", message.deepCopy());
        queueUpdate("callback_query", query);
        return id;
    }

    private synchronized int post(long chatId, String chatType, User from, String text, Integer replyTo,
                                  Integer threadId) {
        ObjectNode message = newMessage(chatId, chatType, userJson(from), text, replyTo);
        if (threadId != null) message.put("message_thread_id", threadId).put("is_topic_message", true);
        queueUpdate("message", message);
        return message.get("message_id").asInt();
    }

    private void queueUpdate(String kind, ObjectNode content) {
        ObjectNode update = NODES.objectNode().put("update_id", nextUpdateId++);
        update.set(kind, content);
        pendingUpdates.add(update);
        notifyAll();
    }

    // ---- what the server is told to do --------------------------------------------------------------------------

    /** The next call of {@code method} (lower-case) is refused with 429 and {@code retry_after}. */
    synchronized void rateLimitNext(String method, int retryAfterSeconds) {
        ObjectNode error = error(429, "Too Many Requests: retry after " + retryAfterSeconds);
        error.putObject("parameters").put("retry_after", retryAfterSeconds);
        scriptedFailures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(error);
    }

    /** The next call of {@code method} (lower-case) fails with this code and description. */
    synchronized void failNext(String method, int code, String description) {
        scriptedFailures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(error(code, description));
    }

    // ---- what the test sees -------------------------------------------------------------------------------------

    synchronized List<Call> calls() { return List.copyOf(calls); }

    /** Every error answer the server gave, as "method: description". */
    synchronized List<String> errors() { return List.copyOf(errors); }

    synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Calls that changed what users see: sends, drafts, edits, deletions (not polls, typing or setup). */
    synchronized List<Call> visibleCalls() {
        return calls.stream().filter(c -> switch (c.method()) {
            case "sendmessage", "sendmessagedraft", "editmessagetext", "editmessagereplymarkup", "deletemessage" -> true;
            default -> false;
        }).toList();
    }

    /** The message as it looks now, or null if it does not exist (any more). */
    synchronized Shown shown(long chatId, int messageId) {
        ObjectNode message = chats.getOrDefault(chatId, Map.of()).get(messageId);
        return message == null ? null : shown(message);
    }

    /** The bot's messages in a chat, oldest first. */
    synchronized List<Shown> botMessages(long chatId) {
        return chats.getOrDefault(chatId, Map.of()).values().stream()
                .filter(m -> m.get("from").get("id").asLong() == BOT_ID)
                .map(FakeTelegram::shown)
                .sorted((a, b) -> Integer.compare(a.messageId(), b.messageId()))
                .toList();
    }

    /** The bot's messages that reply to the given message, oldest first. */
    public List<Shown> repliesTo(long chatId, int messageId) {
        return botMessages(chatId).stream()
                .filter(m -> m.replyToMessageId() != null && m.replyToMessageId() == messageId).toList();
    }

    private static Shown shown(ObjectNode message) {
        JsonNode replyTo = message.get("reply_to_message");
        return new Shown(message.get("chat").get("id").asLong(), message.get("message_id").asInt(),
                message.get("from").get("id").asLong(), message.path("text").asText(""), message.get("reply_markup"),
                replyTo == null ? null : replyTo.get("message_id").asInt());
    }

    /** Polls {@code condition} until it yields a value (non-null, or true) or the timeout passes. */
    public <T> T await(String what, Duration timeout, Supplier<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = condition.get();
            if (value != null && !Boolean.FALSE.equals(value)) return value;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; calls:\n"
                        + String.join("\n", visibleCalls().stream().map(Call::toString).toList()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        server.stop(0);
        handlers.shutdownNow();
    }

    // ---- the Bot API --------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                respond(exchange, error(404, "Not Found"));
                return;
            }
            if (!path.group(1).equals(TOKEN)) {
                respond(exchange, error(401, "Unauthorized"));
                return;
            }
            String method = path.group(2).toLowerCase();
            ObjectNode params = parameters(exchange);
            ObjectNode answer = answer(method, params);
            if (!answer.get("ok").asBoolean()) {
                synchronized (this) {
                    errors.add(method + ": " + answer.get("description").asText());
                }
            }
            respond(exchange, answer);
        }
    }

    private ObjectNode answer(String method, ObjectNode params) {
        if (method.equals("getupdates")) {
            synchronized (this) {
                calls.add(new Call(method, params, System.nanoTime()));
            }
            return ok(awaitUpdates(params.path("offset").asLong(0), params.path("timeout").asInt(0)));
        }
        synchronized (this) {
            calls.add(new Call(method, params, System.nanoTime()));
            Deque<ObjectNode> failures = scriptedFailures.get(method);
            if (failures != null && !failures.isEmpty()) return failures.poll();
            return switch (method) {
                case "getme" -> ok(userJson(new User(BOT_ID, "Pocket Llama")).put("is_bot", true)
                        .put("username", BOT_USERNAME).put("can_join_groups", true));
                case "deletewebhook", "setmycommands", "sendchataction", "answercallbackquery" -> ok(NODES.booleanNode(true));
                case "sendmessage" -> sendMessage(params);
                case "editmessagetext" -> editMessageText(params);
                case "editmessagereplymarkup" -> editReplyMarkup(params);
                case "deletemessage" -> deleteMessage(params);
                case "sendmessagedraft" -> checkedText(params) instanceof ObjectNode error ? error : ok(NODES.booleanNode(true));
                default -> error(404, "Not Found: method " + method + " not found");
            };
        }
    }

    private ArrayNode awaitUpdates(long offset, int timeoutSeconds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        synchronized (this) {
            pendingUpdates.removeIf(u -> u.get("update_id").asLong() < offset);
            while (pendingUpdates.isEmpty() && !closed) {
                long leftMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (leftMillis <= 0) break;
                try {
                    wait(leftMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ArrayNode result = NODES.arrayNode();
            pendingUpdates.forEach(u -> result.add(u.deepCopy()));
            return result;
        }
    }

    private ObjectNode sendMessage(ObjectNode params) {
        Object text = checkedText(params);
        if (text instanceof ObjectNode error) return error;
        long chatId = Long.parseLong(params.get("chat_id").asText());
        Integer replyTo = replyTarget(params);
        if (replyTo != null && !chats.getOrDefault(chatId, Map.of()).containsKey(replyTo)
                && !params.path("reply_parameters").path("allow_sending_without_reply").asBoolean(false)) {
            return error(400, "Bad Request: message to be replied not found");
        }
        ObjectNode bot = userJson(new User(BOT_ID, "Pocket Llama")).put("is_bot", true).put("username", BOT_USERNAME);
        ObjectNode message = newMessage(chatId, chatType(chatId), bot, (String) text, replyTo);
        if (params.hasNonNull("message_thread_id")) message.put("message_thread_id", params.get("message_thread_id").asInt());
        setMarkup(message, params);
        return ok(message.deepCopy());
    }

    private ObjectNode editMessageText(ObjectNode params) {
        Object text = checkedText(params);
        if (text instanceof ObjectNode error) return error;
        ObjectNode message = existing(params);
        if (message == null) return error(400, "Bad Request: message to edit not found");
        JsonNode newMarkup = markup(params);
        if (message.path("text").asText().equals(text) && Objects.equals(message.get("reply_markup"), newMarkup)) {
            return error(400, "Bad Request: message is not modified: specified new message content and reply markup"
                    + " are exactly the same as a current content and reply markup of the message");
        }
        message.put("text", (String) text).put("edit_date", System.currentTimeMillis() / 1000);
        setMarkup(message, params);
        return ok(message.deepCopy());
    }

    private ObjectNode editReplyMarkup(ObjectNode params) {
        ObjectNode message = existing(params);
        if (message == null) return error(400, "Bad Request: message to edit not found");
        setMarkup(message, params);
        return ok(message.deepCopy());
    }

    private ObjectNode deleteMessage(ObjectNode params) {
        long chatId = Long.parseLong(params.get("chat_id").asText());
        ObjectNode removed = chats.getOrDefault(chatId, Map.of()).remove(params.path("message_id").asInt());
        return removed == null ? error(400, "Bad Request: message to delete not found") : ok(NODES.booleanNode(true));
    }

    /** The visible text of a message the client sends, or the error Telegram would answer with. */
    private static Object checkedText(ObjectNode params) {
        String raw = params.path("text").asText("");
        String visible;
        try {
            visible = "HTML".equalsIgnoreCase(params.path("parse_mode").asText("")) ? TelegramHtmlChecker.visibleText(raw) : raw;
        } catch (TelegramHtmlChecker.ParseError e) {
            return error(400, e.getMessage());
        }
        if (visible.isBlank()) return error(400, "Bad Request: message text is empty");
        if (visible.length() > 4096) return error(400, "Bad Request: message is too long");
        return visible;
    }

    private ObjectNode existing(ObjectNode params) {
        long chatId = Long.parseLong(params.get("chat_id").asText());
        return chats.getOrDefault(chatId, Map.of()).get(params.path("message_id").asInt());
    }

    private static Integer replyTarget(ObjectNode params) {
        JsonNode parameters = jsonValue(params.get("reply_parameters"));
        if (parameters != null && parameters.hasNonNull("message_id")) return parameters.get("message_id").asInt();
        return params.hasNonNull("reply_to_message_id") ? params.get("reply_to_message_id").asInt() : null;
    }

    private static JsonNode markup(ObjectNode params) {
        JsonNode markup = jsonValue(params.get("reply_markup"));
        return markup == null || markup.path("inline_keyboard").isEmpty() ? null : markup;
    }

    private static void setMarkup(ObjectNode message, ObjectNode params) {
        JsonNode markup = markup(params);
        if (markup == null) message.remove("reply_markup");
        else message.set("reply_markup", markup);
    }

    private String chatType(long chatId) {
        ObjectNode any = chats.getOrDefault(chatId, Map.of()).values().stream().findFirst().orElse(null);
        return any == null ? "private" : any.get("chat").get("type").asText();
    }

    private ObjectNode newMessage(long chatId, String chatType, ObjectNode from, String text, Integer replyTo) {
        ObjectNode message = NODES.objectNode().put("message_id", nextMessageId++)
                .put("date", System.currentTimeMillis() / 1000).put("text", text);
        ObjectNode chat = message.putObject("chat").put("id", chatId).put("type", chatType);
        if (!chatType.equals("private")) chat.put("title", "Test group " + chatId);
        message.set("from", from);
        Map<Integer, ObjectNode> chatMessages = chats.computeIfAbsent(chatId, id -> new HashMap<>());
        ObjectNode repliedTo = replyTo == null ? null : chatMessages.get(replyTo);
        if (repliedTo != null) {
            ObjectNode quoted = repliedTo.deepCopy();
            quoted.remove("reply_to_message");
            message.set("reply_to_message", quoted);
        }
        chatMessages.put(message.get("message_id").asInt(), message);
        return message;
    }

    private static ObjectNode userJson(User user) {
        return NODES.objectNode().put("id", user.id()).put("is_bot", false).put("first_name", user.firstName())
                .put("username", user.firstName().toLowerCase());
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode answer = NODES.objectNode().put("ok", true);
        answer.set("result", result);
        return answer;
    }

    private static ObjectNode error(int code, String description) {
        return NODES.objectNode().put("ok", false).put("error_code", code).put("description", description);
    }

    private static void respond(HttpExchange exchange, ObjectNode answer) throws IOException {
        byte[] body = JSON.writeValueAsBytes(answer);
        int status = answer.get("ok").asBoolean() ? 200 : answer.get("error_code").asInt();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    // ---- request parsing: the client sends JSON, but form and multipart bodies are Bot API too ----------------

    private static ObjectNode parameters(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase();
        ObjectNode params = NODES.objectNode();
        if (type.startsWith("application/json") && body.length > 0) {
            params.setAll((ObjectNode) JSON.readTree(body));
        } else if (type.startsWith("multipart/form-data")) {
            Matcher boundary = BOUNDARY.matcher(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (boundary.find()) parseMultipart(new String(body, StandardCharsets.UTF_8), boundary.group(1), params);
        } else {
            parseForm(new String(body, StandardCharsets.UTF_8), params);
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) parseForm(query, params);
        return params;
    }

    private static void parseForm(String form, ObjectNode params) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
    }

    private static void parseMultipart(String body, String boundary, ObjectNode params) {
        for (String part : body.split("--" + Pattern.quote(boundary))) {
            int headersEnd = part.indexOf("\r\n\r\n");
            if (headersEnd < 0) continue;
            Matcher name = PART_NAME.matcher(part.substring(0, headersEnd));
            if (!name.find()) continue;
            String value = part.substring(headersEnd + 4);
            params.put(name.group(1), value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value);
        }
    }

    /** A nested object arrives as JSON in a JSON body, or as a JSON string in a form body. */
    private static JsonNode jsonValue(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) return node;
        try {
            return JSON.readTree(node.asText());
        } catch (IOException e) {
            return null;
        }
    }
}
