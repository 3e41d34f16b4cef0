package dev.pocketllama.app;

import dev.pocketllama.bot.Bot;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.discord.DiscordAdapter;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.telegram.TelegramAdapter;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code run} serves: the bot on a running engine with an adapter for every platform the configuration enables.
 * It owns the engine; closing stops the adapters first (their final edits still go out), then the bot, then the engine.
 */
final class ServingBot implements AutoCloseable {
    private final Engine engine;
    private final Bot bot;
    private final List<AutoCloseable> adapters = new ArrayList<>();
    private final List<String> platforms = new ArrayList<>();

    private ServingBot(Engine engine, Bot bot) {
        this.engine = engine;
        this.bot = bot;
    }

    /**
     * Starts the bot and its adapters. If an adapter cannot start (e.g. a token the platform refused) everything
     * already started, the engine too, is closed and its IllegalStateException, naming the key and the fix, rethrown.
     */
    static ServingBot start(PocketLlamaConfig config, Engine engine) {
        var serving = new ServingBot(engine, Bot.start(config, engine));
        try {
            if (config.telegram().enabled()) serving.add("Telegram", TelegramAdapter.start(config, serving.bot));
            if (config.discord().enabled()) serving.add("Discord", DiscordAdapter.start(config, serving.bot));
        } catch (IllegalStateException e) {
            serving.close();
            throw e;
        }
        return serving;
    }

    private void add(String platform, AutoCloseable adapter) {
        adapters.add(adapter);
        platforms.add(platform);
    }

    /** The platforms served, e.g. "Telegram and Discord". */
    String platforms() { return String.join(" and ", platforms); }

    /**
     * The bot first: it stops the answers being written and their last edits still go out through the adapters,
     * which close next; the engine last.
     */
    @Override
    public void close() {
        bot.close();
        for (AutoCloseable adapter : adapters.reversed()) {
            try {
                adapter.close();
            } catch (Exception e) {
                System.err.println("closing " + adapter.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
        engine.close();
    }
}
