package dev.pocketllama.bot;

/**
 * Who wrote a message.
 *
 * @param id           the platform's user id
 * @param displayName  how to address them
 * @param hasAdminRole whether the platform grants them the configured admin role (Discord roles); config's
 *                     admin ids are checked by bot-core on top of this
 */
public record Author(String id, String displayName, boolean hasAdminRole) { }
