package dev.pocketllama.discord;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.config.DiscordConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.CloseCode;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import net.dv8tion.jda.api.utils.messages.MessageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Discord bot: logs in with JDA, registers the slash commands, and passes what users say to bot-core, which
 * streams the answers back through {@link ChannelReplyPort} / {@link InteractionReplyPort}. Gateway drops are
 * JDA's to reconnect and resume.
 */
public final class DiscordAdapter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscordAdapter.class);
    /** A typing indicator lasts about this long on Discord. */
    private static final Duration TYPING = Duration.ofSeconds(10);

    private final JDA jda;

    private DiscordAdapter(JDA jda) { this.jda = jda; }

    /**
     * Connects and returns once the bot is online with its commands registered.
     *
     * @throws IllegalStateException naming the config key and the fix when Discord refuses the bot
     */
    public static DiscordAdapter start(PocketLlamaConfig config, Bot bot) {
        DiscordConfig discord = config.discord();
        if (discord.token() == null || discord.token().isBlank()) {
            throw new IllegalStateException("discord.token: missing (write token: ${DISCORD_TOKEN} and export DISCORD_TOKEN "
                    + "with the token from the Developer Portal, Bot page)");
        }
        // Model output must never ping anyone: no mentions are parsed, replies do not ping their author.
        MessageRequest.setDefaultMentions(DiscordMessages.NO_MENTIONS);
        MessageRequest.setDefaultMentionRepliedUser(false);
        // without the intent, reading content is still right: mentions, replies and DMs carry it
        if (!discord.messageContentIntent()) Message.suppressContentIntentWarning();
        var limits = new PlatformLimits(DiscordMessages.MAX_MESSAGE_CHARS,
                Duration.ofMillis(config.streaming().discordEditIntervalMillis()), TYPING);
        AtomicReference<CloseCode> closed = new AtomicReference<>();
        JDABuilder builder = JDABuilder.createLight(discord.token(), intents(discord))
                // JDA's own hook would shutdownNow() on Ctrl-C and drop the final edits; close() lets them go out
                .setEnableShutdownHook(false)
                .addEventListeners(new DiscordEvents(bot, new DiscordAccess(config, bot), limits), new ListenerAdapter() {
                    @Override
                    public void onShutdown(ShutdownEvent event) { closed.set(event.getCloseCode()); }
                });
        if (discord.restUrl() != null) {
            builder.setRestConfig(new RestConfig().setBaseUrl(discord.restUrl().endsWith("/") ? discord.restUrl() : discord.restUrl() + "/"));
        }
        if (discord.gatewayUrl() != null) {
            builder.setSessionController(new FixedGateway(discord.gatewayUrl())).setCompression(Compression.NONE);
        }
        JDA jda;
        try {
            jda = builder.build();
        } catch (InvalidTokenException e) {
            throw new IllegalStateException("discord.token: Discord refused the token (copy a fresh one from the "
                    + "Developer Portal, Bot page, Reset Token)", e);
        }
        try {
            jda.awaitReady();
            jda.updateCommands().addCommands(SlashCommands.definitions()).complete();
        } catch (InterruptedException e) {
            jda.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Discord", e);
        } catch (IllegalStateException e) {
            jda.shutdownNow();
            throw new IllegalStateException(refusal(closed.get()), e);
        }
        log.info("Discord: online as {} in {} servers", jda.getSelfUser().getName(), jda.getGuilds().size());
        return new DiscordAdapter(jda);
    }

    private static EnumSet<GatewayIntent> intents(DiscordConfig discord) {
        EnumSet<GatewayIntent> intents = EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES);
        if (discord.messageContentIntent()) intents.add(GatewayIntent.MESSAGE_CONTENT);
        return intents;
    }

    private static String refusal(CloseCode code) {
        if (code == CloseCode.DISALLOWED_INTENTS) {
            return "discord.messageContentIntent: true, but the Message Content intent is not enabled for the bot "
                    + "(enable it in the Developer Portal, Bot page, Privileged Gateway Intents, or set it to false)";
        }
        if (code == CloseCode.AUTHENTICATION_FAILED) {
            return "discord.token: Discord refused the token (copy a fresh one from the Developer Portal, Bot page)";
        }
        return "Discord closed the connection during startup" + (code == null ? "" : ": " + code.getMeaning());
    }

    /** Disconnects, letting queued requests (final edits) go out first for a few seconds. */
    @Override
    public void close() {
        jda.shutdown();
        try {
            if (!jda.awaitShutdown(Duration.ofSeconds(5))) jda.shutdownNow();
        } catch (InterruptedException e) {
            jda.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Points JDA at a configured gateway (a proxy or a test server) instead of Discord's. */
    private static final class FixedGateway extends SessionControllerAdapter {
        private final String url;

        FixedGateway(String url) { this.url = url; }

        @Override
        public String getGateway() { return url; }
    }
}
