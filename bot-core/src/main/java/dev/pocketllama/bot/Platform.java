package dev.pocketllama.bot;

/** Where a message came from. */
public enum Platform { CONSOLE, DISCORD, TELEGRAM }
