package dev.pocketllama.bot;

/** A one-to-one chat, where every message is for the bot, or a group/channel, where only some are. */
public enum ChatKind { PRIVATE, GROUP }
