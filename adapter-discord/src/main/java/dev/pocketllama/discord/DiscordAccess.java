package dev.pocketllama.discord;

import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.config.PocketLlamaConfig;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;

import java.util.Set;

/**
 * Who is who for the bot on Discord: authors with their admin role (config {@code admins.discordRoles}), and the
 * guilds and channels the bot serves (config {@code allow.discordGuilds} / {@code allow.discordChannels}, empty
 * for all; admins are served everywhere). Users' allow lists and admin ids are bot-core's to check.
 */
final class DiscordAccess {
    private final Set<String> adminRoleIds;
    private final Set<String> allowedGuilds;
    private final Set<String> allowedChannels;
    private final Bot bot;

    DiscordAccess(PocketLlamaConfig config, Bot bot) {
        this.adminRoleIds = Set.copyOf(config.admins().discordRoles());
        this.allowedGuilds = Set.copyOf(config.allow().discordGuilds());
        this.allowedChannels = Set.copyOf(config.allow().discordChannels());
        this.bot = bot;
    }

    Author author(User user, Member member) {
        String name = member != null ? member.getEffectiveName() : user.getEffectiveName();
        boolean adminRole = member != null && member.getRoles().stream().anyMatch(r -> adminRoleIds.contains(r.getId()));
        return new Author(user.getId(), name, adminRole);
    }

    /** Whether the bot serves this author here; {@code guild} is null in DMs, which only the user lists limit. */
    boolean serves(Guild guild, Place place, Author author) {
        boolean guildAllowed = guild == null || allowedGuilds.isEmpty() || allowedGuilds.contains(guild.getId());
        boolean channelAllowed = guild == null || allowedChannels.isEmpty()
                || allowedChannels.contains(place.chatId())
                || (place.threadId() != null && allowedChannels.contains(place.threadId()));
        return (guildAllowed && channelAllowed) || bot.isAdmin(Platform.DISCORD, author);
    }

}
