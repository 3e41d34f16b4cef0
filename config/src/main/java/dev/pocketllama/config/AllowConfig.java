package dev.pocketllama.config;

import java.util.List;

/** Allow lists; an empty list allows everyone. Admins are always allowed. */
public record AllowConfig(List<String> telegramUsers, List<String> telegramChats, List<String> discordUsers,
                          List<String> discordGuilds, List<String> discordChannels) { }
