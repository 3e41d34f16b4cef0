package dev.pocketllama.discord.fake;

import java.util.List;

/**
 * A Discord user of the fake: who posts messages, runs commands and presses buttons.
 *
 * @param id      snowflake
 * @param name    username (also the global display name)
 * @param roleIds roles the user has in the fake guild
 */
public record FakeUser(String id, String name, List<String> roleIds) { }
