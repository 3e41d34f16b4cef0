package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/** Which messages are for the bot, read from messages as the Bot API sends them. */
class MessageFilterTest {

    private static final long BOT = 42;
    private final MessageFilter filter = new MessageFilter(BOT, "llama_bot");

    @Test
    void everyPrivateMessageIsForTheBot() {
        InboundMessage inbound = filter.forBot(message("private", "hello there", "")).orElseThrow();
        assertEquals(new InboundMessage(Platform.TELEGRAM, "-100", ChatKind.PRIVATE, null,
                new Author("7", "Ann Lee", false), "10", "hello there", null), inbound);
    }

    @Test
    void inAGroupOnlyMentionsRepliesToTheBotAndCommandsAre() {
        assertTrue(filter.forBot(message("supergroup", "just chatting", "")).isEmpty());
        assertTrue(filter.forBot(message("group", "hey @someone_else", "")).isEmpty());
        assertTrue(filter.forBot(message("supergroup", "a reply to a person", replyFrom(8, false))).isEmpty());
        assertTrue(filter.forBot(message("supergroup", "/model@other_bot x", "")).isEmpty());

        assertEquals("what is 2+2?", text(filter.forBot(message("supergroup", "@Llama_Bot what is 2+2?", ""))));
        assertEquals("so, what next?", text(filter.forBot(message("group", "so @llama_bot, what next?", ""))));
        assertEquals("and then?", text(filter.forBot(message("supergroup", "and then?", replyFrom(BOT, true)))));
        assertEquals("/model tiny", text(filter.forBot(message("supergroup", "/model@llama_bot tiny", ""))));
        assertEquals("/reset", text(filter.forBot(message("supergroup", "/reset", ""))));
    }

    @Test
    void aReplyCarriesTheIdOfTheMessageItAnswers() {
        InboundMessage inbound = filter.forBot(message("supergroup", "more", replyFrom(BOT, true))).orElseThrow();
        assertEquals("5", inbound.replyToMessageId());
        assertEquals(ChatKind.GROUP, inbound.chatKind());
    }

    @Test
    void aForumTopicIsTheThread() {
        String topic = ",\"message_thread_id\":77,\"is_topic_message\":true";
        assertEquals("77", filter.forBot(message("supergroup", "@llama_bot hi", topic)).orElseThrow().threadId());
    }

    @Test
    void noThreadOutsideForums() {
        assertNull(filter.forBot(message("supergroup", "@llama_bot hi", ",\"message_thread_id\":5")).orElseThrow().threadId());
    }

    @Test
    void otherBotsChannelsAndNonTextAreIgnored() {
        assertTrue(filter.forBot(parse("{\"message_id\":1,\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"},"
                + "\"from\":{\"id\":9,\"is_bot\":true,\"first_name\":\"B\"},\"text\":\"hi\"}")).isEmpty());
        assertTrue(filter.forBot(message("channel", "@llama_bot hi", "")).isEmpty());
        assertTrue(filter.forBot(parse("{\"message_id\":1,\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"},"
                + "\"from\":{\"id\":7,\"is_bot\":false,\"first_name\":\"A\"}}")).isEmpty());
    }

    private static String text(Optional<InboundMessage> inbound) {
        assertTrue(inbound.isPresent(), "expected the message to be for the bot");
        return inbound.get().text();
    }

    private static String replyFrom(long userId, boolean isBot) {
        return ",\"reply_to_message\":{\"message_id\":5,\"date\":1,\"chat\":{\"id\":-100,\"type\":\"supergroup\"},"
                + "\"from\":{\"id\":" + userId + ",\"is_bot\":" + isBot + ",\"first_name\":\"X\"},\"text\":\"earlier\"}";
    }

    private static Message message(String chatType, String text, String extra) {
        return parse("{\"message_id\":10,\"date\":1,\"chat\":{\"id\":-100,\"type\":\"" + chatType + "\"},"
                + "\"from\":{\"id\":7,\"is_bot\":false,\"first_name\":\"Ann\",\"last_name\":\"Lee\"},"
                + "\"text\":" + quote(text) + extra + "}");
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }

    private static Message parse(String json) {
        try {
            return new ObjectMapper().readValue(json, Message.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
