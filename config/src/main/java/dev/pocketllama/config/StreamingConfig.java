package dev.pocketllama.config;

/** Pace of reply edits per platform, in milliseconds between two edits of one chat's messages. */
public record StreamingConfig(int telegramEditIntervalMillis, int telegramGroupEditIntervalMillis,
                              int discordEditIntervalMillis, int consoleEditIntervalMillis) { }
