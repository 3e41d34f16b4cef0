package dev.pocketllama.config;

import java.util.List;

/** Who may switch models and set system prompts: user ids per platform, and Discord role ids. */
public record AdminsConfig(List<String> telegram, List<String> discord, List<String> discordRoles) { }
