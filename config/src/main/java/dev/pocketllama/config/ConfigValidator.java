package dev.pocketllama.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a bound configuration for values that cannot work, each problem with its YAML path and the fix. */
final class ConfigValidator {
    static final List<String> TEMPLATES = List.of("auto", "llama2", "llama3", "chatml", "zephyr", "raw");
    static final List<String> GROUP_SCOPES = List.of("replyChain", "channel");

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() { }

    static List<String> validate(PocketLlamaConfig config) {
        var v = new ConfigValidator();
        v.models(config);
        v.sampling("sampling", config.sampling());
        v.ids("admins.telegram", config.admins().telegram(), "Telegram user ids are numbers; @userinfobot tells yours");
        v.ids("admins.discord", config.admins().discord(), "Discord ids are numbers; enable Developer Mode and Copy User ID");
        v.ids("admins.discordRoles", config.admins().discordRoles(), "right-click the role, Copy Role ID");
        v.ids("allow.telegramUsers", config.allow().telegramUsers(), "Telegram user ids are numbers");
        v.ids("allow.telegramChats", config.allow().telegramChats(), "Telegram chat ids are numbers, groups negative");
        v.ids("allow.discordUsers", config.allow().discordUsers(), "Discord ids are numbers");
        v.ids("allow.discordGuilds", config.allow().discordGuilds(), "Discord ids are numbers");
        v.ids("allow.discordChannels", config.allow().discordChannels(), "Discord ids are numbers");
        v.limits(config.limits());
        v.engine(config.engine());
        v.conversations(config.conversations());
        v.telegram(config.telegram());
        v.discord(config.discord());
        if (blank(config.store().path())) v.problem("store.path", "is empty (name an SQLite file, e.g. pocketllama.db)");
        v.streaming(config.streaming());
        return v.problems;
    }

    private void models(PocketLlamaConfig config) {
        List<ModelConfig> models = config.models();
        if (models.isEmpty()) {
            problem("models", "no model configured (add one: models: [{name: tiny, path: /path/to/model.gguf}])");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            ModelConfig m = models.get(i);
            String at = "models[" + i + "]";
            if (blank(m.name())) problem(at + ".name", "is missing (give the model a short name for /model NAME)");
            else if (m.name().chars().anyMatch(Character::isWhitespace)) problem(at + ".name", "'" + m.name() + "' contains spaces (use a single word such as tinyllama-q4)");
            else if (!names.add(m.name())) problem(at + ".name", "'" + m.name() + "' is used by another model (names must differ)");
            if (blank(m.path())) problem(at + ".path", "is missing (the GGUF file of this model)");
            else if (!Files.isRegularFile(Path.of(m.path()))) problem(at + ".path", "file not found: " + Path.of(m.path()).toAbsolutePath().normalize() + " (check the path; relative paths start from the working directory)");
            if (!TEMPLATES.contains(m.template())) problem(at + ".template", "unknown template '" + m.template() + "' (" + Suggestions.didYouMean(m.template(), TEMPLATES) + ")");
            if (m.contextLength() < 0) problem(at + ".contextLength", "must be 0 (the file's) or more, was " + m.contextLength());
            if (m.sampling() != null) sampling(at + ".sampling", m.sampling());
        }
        String defaultModel = config.defaultModel();
        if (defaultModel != null && models.stream().noneMatch(m -> defaultModel.equals(m.name()))) {
            problem("defaultModel", "no model named '" + defaultModel + "' (" + Suggestions.didYouMean(defaultModel,
                    models.stream().map(ModelConfig::name).filter(n -> n != null).toList()) + ")");
        }
    }

    /** Checks set values only: a model's sampling may leave keys unset to inherit the global ones. */
    private void sampling(String at, SamplingConfig s) {
        if (s.temperature() != null && s.temperature() < 0) problem(at + ".temperature", "must be 0 (greedy) or more, was " + s.temperature());
        if (s.topK() != null && s.topK() < 0) problem(at + ".topK", "must be 0 (off) or more, was " + s.topK());
        if (s.topP() != null && (s.topP() <= 0 || s.topP() > 1)) problem(at + ".topP", "must be above 0 and at most 1 (1 is off), was " + s.topP());
        if (s.minP() != null && (s.minP() < 0 || s.minP() >= 1)) problem(at + ".minP", "must be at least 0 (off) and below 1, was " + s.minP());
        if (s.repeatPenalty() != null && s.repeatPenalty() <= 0) problem(at + ".repeatPenalty", "must be above 0 (1 is off), was " + s.repeatPenalty());
        if (s.maxTokens() != null && s.maxTokens() < 1) problem(at + ".maxTokens", "must be at least 1, was " + s.maxTokens());
    }

    private void ids(String at, List<String> ids, String hint) {
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).matches("-?\\d+")) problem(at + "[" + i + "]", "'" + ids.get(i) + "' is not a numeric id (" + hint + ")");
        }
    }

    private void limits(LimitsConfig l) {
        positive("limits.maxQueuedPerUser", l.maxQueuedPerUser());
        positive("limits.maxQueueLength", l.maxQueueLength());
        positive("limits.maxMessageChars", l.maxMessageChars());
        if (l.historyTokenBudget() < 16) problem("limits.historyTokenBudget", "must be at least 16 tokens, was " + l.historyTokenBudget());
    }

    private void engine(EngineConfig e) {
        if (e.threads() < 0) problem("engine.threads", "must be 0 (every core) or more, was " + e.threads());
        positive("engine.maxBatch", e.maxBatch());
        if (e.promptCacheMb() < 0) problem("engine.promptCacheMb", "must be 0 (no cache) or more, was " + e.promptCacheMb());
        if (e.weightCache() == null || e.weightCache().isBlank()) {
            problem("engine.weightCache", "must be a directory, auto (the user's cache directory) or off");
        }
    }

    private void conversations(ConversationsConfig c) {
        if (!GROUP_SCOPES.contains(c.groupScope())) {
            problem("conversations.groupScope", "unknown scope '" + c.groupScope() + "' (" + Suggestions.didYouMean(c.groupScope(), GROUP_SCOPES) + ")");
        }
    }

    private void telegram(TelegramConfig t) {
        if (t.enabled() && blank(t.token())) problem("telegram.token", "is missing while telegram.enabled is true (write token: ${TELEGRAM_TOKEN} and export TELEGRAM_TOKEN from @BotFather)");
        url("telegram.apiUrl", t.apiUrl());
        if (t.pollingTimeoutSeconds() < 1 || t.pollingTimeoutSeconds() > 300) problem("telegram.pollingTimeoutSeconds", "must be 1 to 300, was " + t.pollingTimeoutSeconds());
    }

    private void discord(DiscordConfig d) {
        if (d.enabled() && blank(d.token())) problem("discord.token", "is missing while discord.enabled is true (write token: ${DISCORD_TOKEN} and export DISCORD_TOKEN from the Developer Portal)");
        url("discord.restUrl", d.restUrl());
        url("discord.gatewayUrl", d.gatewayUrl());
    }

    private void streaming(StreamingConfig s) {
        positive("streaming.telegramEditIntervalMillis", s.telegramEditIntervalMillis());
        positive("streaming.telegramGroupEditIntervalMillis", s.telegramGroupEditIntervalMillis());
        positive("streaming.discordEditIntervalMillis", s.discordEditIntervalMillis());
        if (s.consoleEditIntervalMillis() < 0) problem("streaming.consoleEditIntervalMillis", "must be 0 or more, was " + s.consoleEditIntervalMillis());
    }

    private void url(String at, String url) {
        if (url == null) return;
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) throw new IllegalArgumentException();
        } catch (Exception e) {
            problem(at, "'" + url + "' is not a URL (write it like http://127.0.0.1:8081/)");
        }
    }

    private void positive(String at, int value) {
        if (value < 1) problem(at, "must be at least 1, was " + value);
    }

    private void problem(String at, String text) { problems.add(at + ": " + text); }

    private static boolean blank(String s) { return s == null || s.isBlank(); }
}
