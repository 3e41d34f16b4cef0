package dev.pocketllama.telegram;

import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Decides which Telegram messages are for the bot and turns them into bot-core's {@link InboundMessage}. In a
 * private chat every text message is; in a group only those that mention the bot, reply to one of its messages, or
 * are commands ({@code /cmd}, or {@code /cmd@thisbot}, not {@code /cmd@otherbot}). The bot's own {@code @username}
 * is removed from the text the model sees.
 */
final class MessageFilter {

    private static final Pattern COMMAND = Pattern.compile("^/([A-Za-z0-9_]+)(@([A-Za-z0-9_]+))?(?=\\s|$)");

    private final long botId;
    private final String botUsername;
    private final Pattern mention;

    MessageFilter(long botId, String botUsername) {
        this.botId = botId;
        this.botUsername = botUsername;
        this.mention = Pattern.compile("[ \\t]*@" + Pattern.quote(botUsername) + "\\b", Pattern.CASE_INSENSITIVE);
    }

    Optional<InboundMessage> forBot(Message message) {
        User from = message.getFrom();
        if (message.getText() == null || from == null || Boolean.TRUE.equals(from.getIsBot())) return Optional.empty();
        ChatKind kind = chatKind(message);
        if (kind == null) return Optional.empty();
        String text = message.getText().strip();
        Matcher command = COMMAND.matcher(text);
        boolean isCommand = command.find();
        if (isCommand && command.group(3) != null && !command.group(3).equalsIgnoreCase(botUsername)) {
            return Optional.empty();
        }
        if (kind == ChatKind.GROUP && !isCommand && !mention.matcher(text).find() && !repliesToBot(message)) {
            return Optional.empty();
        }
        return Optional.of(new InboundMessage(Platform.TELEGRAM, String.valueOf(message.getChatId()), kind,
                threadId(message), author(from), String.valueOf(message.getMessageId()), withoutMention(text),
                message.getReplyToMessage() == null ? null : String.valueOf(message.getReplyToMessage().getMessageId())));
    }

    static Author author(User user) {
        String name = user.getLastName() == null ? user.getFirstName() : user.getFirstName() + " " + user.getLastName();
        return new Author(String.valueOf(user.getId()), name, false);
    }

    private static ChatKind chatKind(Message message) {
        if (message.isUserMessage()) return ChatKind.PRIVATE;
        if (message.isGroupMessage() || message.isSuperGroupMessage()) return ChatKind.GROUP;
        return null; // channels: the bot does not talk there
    }

    /** A forum topic; other threads (reply threads of ordinary groups) are not places a reply can be posted to. */
    private static String threadId(Message message) {
        return message.isTopicMessage() && message.getMessageThreadId() != null
                ? String.valueOf(message.getMessageThreadId()) : null;
    }

    private boolean repliesToBot(Message message) {
        Message repliedTo = message.getReplyToMessage();
        return repliedTo != null && repliedTo.getFrom() != null && repliedTo.getFrom().getId() == botId;
    }

    private String withoutMention(String text) {
        Matcher command = COMMAND.matcher(text);
        String addressed = command.find() && command.group(2) != null
                ? "/" + command.group(1) + text.substring(command.end()) : text;
        return mention.matcher(addressed).replaceAll("").strip();
    }
}
