package dev.pocketllama.telegram;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pocketllama.config.TelegramConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The link to the Bot API: one OkHttp client shared by the calls and the long polling, the bot's own identity (from
 * {@code getMe}), and the command menu. Updates reach a consumer on the polling thread, one at a time, in order.
 */
final class TelegramConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TelegramConnection.class);

    static final List<BotCommand> COMMANDS = List.of(
            new BotCommand("help", "What I can do"),
            new BotCommand("reset", "Start a new conversation"),
            new BotCommand("model", "Show the model, or switch it (admins)"),
            new BotCommand("models", "List the models"),
            new BotCommand("status", "Queue and model status"),
            new BotCommand("system", "Show or set the system prompt (admins)"),
            new BotCommand("stop", "Stop my reply"));

    private static final Duration DEFAULT_POLLING_TIMEOUT = Duration.ofSeconds(50);
    private static final Duration CALLS_GRACE = Duration.ofSeconds(5);

    private final TelegramConfig config;
    private final TelegramUrl url;
    private final OkHttpClient http;
    private final TelegramClient client;
    private final User me;
    private final ScheduledExecutorService pollingThread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("telegram-polling").factory());
    private volatile boolean closed;

    private TelegramConnection(TelegramConfig config, TelegramUrl url, OkHttpClient http, TelegramClient client,
                               User me) {
        this.config = config;
        this.url = url;
        this.http = http;
        this.client = client;
        this.me = me;
    }

    /**
     * Checks the token with {@code getMe} and registers the command menu; throws with a message naming the config
     * key and the fix when the token or URL is wrong or the Bot API cannot be reached.
     */
    static TelegramConnection open(TelegramConfig config) {
        if (config.token() == null || config.token().isBlank()) {
            throw new IllegalStateException("telegram.token: missing (put `token: ${TELEGRAM_TOKEN}` in the"
                    + " telegram section and export TELEGRAM_TOKEN with the token @BotFather gave you)");
        }
        TelegramUrl url = apiUrl(config.apiUrl());
        Duration pollingTimeout = pollingTimeout(config);
        OkHttpClient http = new OkHttpClient.Builder()
                .readTimeout(pollingTimeout.plusSeconds(30))
                .build();
        TelegramClient client = new OkHttpTelegramClient(http, config.token(), url);
        User me;
        try {
            me = client.execute(new GetMe());
        } catch (TelegramApiException e) {
            release(http);
            throw unreachable(url, e, config.token());
        }
        TelegramConnection connection = new TelegramConnection(config, url, http, client, me);
        connection.registerCommands();
        log.info("Telegram: signed in as @{} (id {}) at {}://{}:{}", me.getUserName(), me.getId(), url.getSchema(),
                url.getHost(), url.getPort());
        return connection;
    }

    TelegramClient client() { return client; }

    long botId() { return me.getId(); }

    String botUsername() { return me.getUserName(); }

    /** Starts long polling; updates reach {@code onUpdate}, whose failures are logged, never fatal. */
    synchronized void startPolling(Consumer<Update> onUpdate) {
        int timeoutSeconds = (int) pollingTimeout(config).toSeconds();
        // The session runs on pollingThread, which close() ends; the application object is not needed after this.
        TelegramBotsLongPollingApplication polling = new TelegramBotsLongPollingApplication(
                () -> new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false),
                () -> http, () -> pollingThread);
        try {
            polling.registerBot(config.token(), () -> url,
                    lastUpdateId -> GetUpdates.builder().offset(lastUpdateId + 1).limit(100).timeout(timeoutSeconds)
                            .allowedUpdates(List.of("message", "callback_query")).build(),
                    updates -> updates.forEach(update -> deliver(update, onUpdate)));
        } catch (TelegramApiException e) {
            throw unreachable(url, e, config.token());
        }
    }

    private void deliver(Update update, Consumer<Update> onUpdate) {
        if (closed) return;
        try {
            onUpdate.accept(update);
        } catch (RuntimeException e) {
            log.error("Telegram update {} could not be handled", update.getUpdateId(), e);
        }
    }

    private void registerCommands() {
        try {
            client.execute(SetMyCommands.builder().commands(COMMANDS).build());
        } catch (TelegramApiException e) {
            // The menu is a convenience: commands typed by hand still work.
            log.warn("Telegram: could not register the command menu: {}", e.getMessage());
        }
    }

    /**
     * Stops polling and releases the client. Calls in flight get a few seconds to complete, so that bot-core hears
     * that its last edits landed (and records the answer) before it is closed itself. The poll in flight is left to
     * end by itself (within the polling timeout) rather than cancelled, because TelegramBots logs a cancelled poll
     * as an error; what it brings is dropped, and Telegram delivers it again to the next start, since only a later
     * poll confirms it.
     */
    @Override
    public synchronized void close() {
        closed = true;
        pollingThread.shutdown();
        ExecutorService calls = http.dispatcher().executorService();
        calls.shutdown();
        try {
            if (!calls.awaitTermination(CALLS_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Telegram: calls still unanswered after {} s; closing anyway", CALLS_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.connectionPool().evictAll();
    }

    /** For a start that failed: nothing is polling yet, so everything can end at once. */
    private static void release(OkHttpClient http) {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private static Duration pollingTimeout(TelegramConfig config) {
        return config.pollingTimeoutSeconds() > 0 ? Duration.ofSeconds(config.pollingTimeoutSeconds()) : DEFAULT_POLLING_TIMEOUT;
    }

    static TelegramUrl apiUrl(String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) return TelegramUrl.DEFAULT_URL;
        URI uri;
        try {
            uri = new URI(apiUrl.strip());
        } catch (URISyntaxException e) {
            throw badUrl(apiUrl);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || hasPath
                || uri.getRawQuery() != null) {
            throw badUrl(apiUrl);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    private static IllegalStateException badUrl(String apiUrl) {
        return new IllegalStateException("telegram.apiUrl: '" + apiUrl + "' is not a Bot API base URL"
                + " (write it as scheme://host[:port], e.g. http://127.0.0.1:8081 for a local Bot API server,"
                + " or leave it out for Telegram's)");
    }

    private static IllegalStateException unreachable(TelegramUrl url, TelegramApiException e, String token) {
        Throwable cause = ApiFailure.unwrap(e.getCause() == null ? e : e.getCause());
        String where = url.getSchema() + "://" + url.getHost() + ":" + url.getPort();
        if (cause instanceof TelegramApiRequestException request && request.getErrorCode() != null
                && (request.getErrorCode() == 401 || request.getErrorCode() == 404)) {
            return new IllegalStateException("telegram.token: the Bot API at " + where + " rejected the token ("
                    + request.getErrorCode() + " " + request.getApiResponse() + "); copy it again from @BotFather");
        }
        // OkHttp's messages may hold the request URL, which holds the token
        String reason = String.valueOf(cause.getMessage()).replace(token, "<token>");
        return new IllegalStateException("telegram: cannot reach the Bot API at " + where + ": " + reason
                + " (check the network, or telegram.apiUrl)");
    }
}
