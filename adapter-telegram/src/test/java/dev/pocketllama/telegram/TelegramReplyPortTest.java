package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.RateLimitedException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;

/** The reply port on the real TelegramBots client against the fake Bot API. */
class TelegramReplyPortTest {

    private static final FakeTelegram.User ALICE = new FakeTelegram.User(501, "Alice");

    private FakeTelegram telegram;
    private OkHttpClient http;
    private TelegramReplyPort port;
    private int question;

    @BeforeEach
    void start() {
        telegram = FakeTelegram.start();
        http = new OkHttpClient();
        OkHttpTelegramClient client = new OkHttpTelegramClient(http, FakeTelegram.TOKEN,
                new TelegramUrl("http", "127.0.0.1", telegram.port(), false));
        question = telegram.privateMessage(ALICE, "Tell me about <tags> & stuff");
        port = new TelegramReplyPort(client, String.valueOf(ALICE.id()), null, question, Duration.ofMillis(1000));
    }

    @AfterEach
    void stop() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        telegram.close();
    }

    @Test
    void sendsAnHtmlReplyToTheQuestionWithAStopButtonThatTheFinalEditRemoves() throws Exception {
        int id = Integer.parseInt(port.send(new OutgoingMessage("**Thinking** about <tags> & *stuff", "s1")).get(10, TimeUnit.SECONDS));

        FakeTelegram.Shown placeholder = telegram.shown(ALICE.id(), id);
        assertEquals("Thinking about <tags> & *stuff", placeholder.text(), "an unbalanced * stays literal");
        assertEquals(question, placeholder.replyToMessageId());
        assertEquals("stop:s1", placeholder.replyMarkup().at("/inline_keyboard/0/0/callback_data").asText());
        assertEquals("html", telegram.calls("sendmessage").getFirst().text("parse_mode").toLowerCase());

        port.edit(String.valueOf(id), new OutgoingMessage("Done: `x < y`", null)).get(10, TimeUnit.SECONDS);
        FakeTelegram.Shown done = telegram.shown(ALICE.id(), id);
        assertEquals("Done: x < y", done.text());
        assertFalse(done.hasButtons());
    }

    @Test
    void anEditThatChangesNothingIsASuccess() throws Exception {
        String id = port.send(OutgoingMessage.plain("same")).get(10, TimeUnit.SECONDS);
        port.edit(id, OutgoingMessage.plain("same")).get(10, TimeUnit.SECONDS);
        assertEquals(1, telegram.calls("editmessagetext").size(), "Telegram did answer 'not modified'");
    }

    @Test
    void a429BecomesRateLimitedWithTelegramsRetryAfter() throws Exception {
        String id = port.send(OutgoingMessage.plain("first")).get(10, TimeUnit.SECONDS);
        telegram.rateLimitNext("editmessagetext", 7);

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> port.edit(id, OutgoingMessage.plain("second")).get(10, TimeUnit.SECONDS));
        RateLimitedException limited = assertInstanceOf(RateLimitedException.class, failure.getCause());
        assertEquals(Duration.ofSeconds(7), limited.retryAfter());

        port.edit(id, OutgoingMessage.plain("second")).get(10, TimeUnit.SECONDS);
        assertEquals("second", telegram.shown(ALICE.id(), Integer.parseInt(id)).text());
    }

    @Test
    void textTelegramCannotParseIsResentPlain() throws Exception {
        telegram.failNext("sendmessage", 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3");

        String id = port.send(OutgoingMessage.plain("a **b** <c>")).get(10, TimeUnit.SECONDS);

        assertEquals("a **b** <c>", telegram.shown(ALICE.id(), Integer.parseInt(id)).text());
        var sends = telegram.calls("sendmessage");
        assertEquals(2, sends.size());
        assertEquals("html", sends.get(0).text("parse_mode").toLowerCase());
        assertNull(sends.get(1).text("parse_mode"));
    }

    @Test
    void otherFailuresNameTheMethodAndTelegramsAnswer() {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> port.edit("999999", OutgoingMessage.plain("x")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(TelegramCallException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("editmessagetext"), failure.getCause().getMessage());
        assertTrue(failure.getCause().getMessage().contains("message to edit not found"), failure.getCause().getMessage());
        assertFalse(failure.getCause().getMessage().contains(FakeTelegram.TOKEN));
    }

    @Test
    void typingAndDeleteReachTheChat() throws Exception {
        String id = port.send(OutgoingMessage.plain("bye")).get(10, TimeUnit.SECONDS);
        port.typing().get(10, TimeUnit.SECONDS);
        port.delete(id).get(10, TimeUnit.SECONDS);

        assertEquals("typing", telegram.calls("sendchataction").getFirst().text("action"));
        assertNull(telegram.shown(ALICE.id(), Integer.parseInt(id)));
    }

    @Test
    void anEmptyTextShowsAnEllipsisRatherThanFailing() throws Exception {
        String id = port.send(OutgoingMessage.plain("")).get(10, TimeUnit.SECONDS);
        assertEquals("…", telegram.shown(ALICE.id(), Integer.parseInt(id)).text());
    }

    @Test
    void limitsAreTelegrams() {
        assertEquals(4096, port.limits().maxMessageChars());
        assertEquals(Duration.ofSeconds(5), port.limits().typingInterval());
        assertEquals(Duration.ofMillis(1000), port.limits().minEditInterval());
    }
}
