package dev.pocketllama.bot.conversation;

import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.config.AdminsConfig;
import dev.pocketllama.config.AllowConfig;

import java.util.List;

/**
 * Who may talk to the bot and who may run admin commands. An empty allow list allows everyone; admins are
 * always allowed; the console is its operator's, so everything is allowed there. Chat lists apply to groups:
 * a private chat is allowed by its user. Discord guilds are checked by the Discord adapter, which sees them.
 */
public record AccessPolicy(AdminsConfig admins, AllowConfig allow) {

    public boolean isAdmin(Platform platform, Author author) {
        return switch (platform) {
            case CONSOLE -> true;
            case TELEGRAM -> author.hasAdminRole() || admins.telegram().contains(author.id());
            case DISCORD -> author.hasAdminRole() || admins.discord().contains(author.id());
        };
    }

    public boolean isAllowed(InboundMessage message) {
        if (isAdmin(message.platform(), message.author())) return true;
        boolean group = message.chatKind() == ChatKind.GROUP;
        return switch (message.platform()) {
            case CONSOLE -> true;
            case TELEGRAM -> allows(allow.telegramUsers(), message.author().id())
                    && (!group || allows(allow.telegramChats(), message.chatId()));
            case DISCORD -> allows(allow.discordUsers(), message.author().id())
                    && (!group || allows(allow.discordChannels(), message.chatId())
                        || (message.threadId() != null && allow.discordChannels().contains(message.threadId())));
        };
    }

    private static boolean allows(List<String> list, String id) {
        return list.isEmpty() || list.contains(id);
    }
}
