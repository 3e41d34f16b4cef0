package dev.pocketllama.config.archfixture;

/** A deliberate violation: config imports nothing of ours. */
public class ImportsBot {
    public dev.pocketllama.bot.Platform platform;
}
