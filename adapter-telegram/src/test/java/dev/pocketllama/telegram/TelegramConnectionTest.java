package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pocketllama.config.TelegramConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.objects.Update;

/** Signing in, the command menu and long polling, on the real TelegramBots client against the fake Bot API. */
class TelegramConnectionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final FakeTelegram telegram = FakeTelegram.start();

    @AfterEach
    void stop() {
        telegram.close();
    }

    private TelegramConfig config(String token, String apiUrl) {
        return new TelegramConfig(true, token, apiUrl, 2, false);
    }

    @Test
    void signsInRegistersTheCommandsAndDeliversUpdatesInOrder() {
        List<Update> received = new CopyOnWriteArrayList<>();
        try (TelegramConnection connection = TelegramConnection.open(config(FakeTelegram.TOKEN, telegram.apiUrl()))) {
            assertEquals(FakeTelegram.BOT_ID, connection.botId());
            assertEquals(FakeTelegram.BOT_USERNAME, connection.botUsername());
            List<String> commands = telegram.calls("setmycommands").getFirst().params().get("commands")
                    .findValuesAsText("command");
            assertEquals(List.of("help", "reset", "model", "models", "status", "system", "stop"), commands);

            connection.startPolling(received::add);
            FakeTelegram.User ann = new FakeTelegram.User(7, "Ann");
            telegram.privateMessage(ann, "one");
            telegram.privateMessage(ann, "two");
            telegram.await("two updates", PATIENCE, () -> received.size() >= 2);
            assertEquals(List.of("one", "two"), received.stream().map(u -> u.getMessage().getText()).toList());
            assertEquals("deletewebhook", telegram.calls().stream().map(FakeTelegram.Call::method)
                    .filter(m -> m.equals("deletewebhook") || m.equals("getupdates")).findFirst().orElseThrow());
        }
        telegram.privateMessage(new FakeTelegram.User(7, "Ann"), "after close");
        telegram.await("the polling thread to end", PATIENCE, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("telegram-polling")));
        assertEquals(2, received.size(), "nothing is delivered after close");
    }

    @Test
    void aFailingUpdateHandlerDoesNotStopThePolling() {
        List<String> handled = new CopyOnWriteArrayList<>();
        try (TelegramConnection connection = TelegramConnection.open(config(FakeTelegram.TOKEN, telegram.apiUrl()))) {
            connection.startPolling(update -> {
                if (update.getMessage().getText().equals("boom")) throw new IllegalStateException("boom");
                handled.add(update.getMessage().getText());
            });
            telegram.privateMessage(new FakeTelegram.User(7, "Ann"), "boom");
            telegram.privateMessage(new FakeTelegram.User(7, "Ann"), "still here");
            telegram.await("the second update", PATIENCE, () -> handled.contains("still here"));
        }
    }

    @Test
    void aWrongTokenIsReportedWithTheFixAndWithoutTheToken() {
        String wrong = "999:wrong-token";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TelegramConnection.open(config(wrong, telegram.apiUrl())));
        assertTrue(e.getMessage().startsWith("telegram.token:"), e.getMessage());
        assertTrue(e.getMessage().contains("@BotFather"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void anUnreachableApiIsReportedWithWhereItWasLookedFor() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TelegramConnection.open(config(FakeTelegram.TOKEN, "http://127.0.0.1:" + closedPort)));
        assertTrue(e.getMessage().contains("cannot reach the Bot API at http://127.0.0.1:" + closedPort), e.getMessage());
        assertFalse(e.getMessage().contains(FakeTelegram.TOKEN), e.getMessage());
    }

    @Test
    void aMissingTokenOrABadUrlNamesTheConfigKey() {
        assertTrue(assertThrows(IllegalStateException.class, () -> TelegramConnection.open(config(" ", null)))
                .getMessage().startsWith("telegram.token: missing"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> TelegramConnection.open(config(FakeTelegram.TOKEN, "ftp://host/x"))).getMessage()
                .startsWith("telegram.apiUrl:"));
    }

    @Test
    void apiUrlsBecomeTelegramUrls() {
        assertEquals(TelegramUrl.DEFAULT_URL, TelegramConnection.apiUrl(null));
        assertEquals(new TelegramUrl("http", "127.0.0.1", 8081, false), TelegramConnection.apiUrl("http://127.0.0.1:8081"));
        assertEquals(new TelegramUrl("https", "bots.example.org", 443, false), TelegramConnection.apiUrl("https://bots.example.org/"));
    }
}
