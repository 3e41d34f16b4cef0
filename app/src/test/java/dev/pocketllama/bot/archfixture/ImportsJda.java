package dev.pocketllama.bot.archfixture;

/** A deliberate violation, for ArchitectureTest to prove its rules fail: bot-core must not know JDA. */
public class ImportsJda {
    public net.dv8tion.jda.api.JDA jda;
}
