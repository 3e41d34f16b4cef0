package dev.pocketllama.bot;

import dev.pocketllama.bot.command.Command;
import dev.pocketllama.bot.store.ChatHead;
import dev.pocketllama.bot.stream.LiveReply;
import dev.pocketllama.config.Suggestions;
import dev.pocketllama.inference.api.EngineStatus;
import dev.pocketllama.inference.api.ModelInfo;

import java.util.List;
import java.util.Locale;

/** Runs the slash commands; each answers in one message. */
final class CommandHandler {
    static final String HELP = """
            Talk to me and I answer with a language model running on this machine.
            /reset — start a new conversation
            /stop — stop my answers to you here
            /models — the models I can use
            /model — the active model; /model NAME switches (admins)
            /status — queue, speed and memory
            /system — this chat's system prompt; /system TEXT sets it, /system reset restores the default (admins)
            /help — this text""";

    private final Bot bot;

    CommandHandler(Bot bot) { this.bot = bot; }

    void handle(Command command, InboundMessage message, ReplyPort replies) {
        switch (command) {
            case Command.Help h -> bot.say(message, replies, HELP);
            case Command.Reset r -> reset(message, replies);
            case Command.Stop s -> stop(message, replies);
            case Command.Models m -> bot.say(message, replies, models());
            case Command.Model m -> model(m.name(), message, replies);
            case Command.Status s -> bot.say(message, replies, status(bot.engine.status()));
            case Command.SystemPrompt s -> systemPrompt(s.text(), message, replies);
            case Command.Unknown u -> bot.say(message, replies, "❓ I don't know /" + u.name() + ". Try /help.");
        }
    }

    private void reset(InboundMessage message, ReplyPort replies) {
        int stopped = stopOwn(message);
        String scopeKey = bot.scopeKey(message);
        String stoppedNote = stopped > 0 ? " (and stopped the answer I was writing)" : "";
        if (scopeKey == null) {
            bot.say(message, replies, "🧹 Done" + stoppedNote + ". Here every message that isn't a reply to me starts a"
                    + " new conversation; reply to one of my messages to continue its conversation.");
            return;
        }
        // A fresh, empty conversation rather than none: in a thread, none would fall back to the thread's origin.
        long fresh = bot.store.newConversation(message.platform(), message.chatId());
        bot.store.setHead(message.platform(), scopeKey, new ChatHead(fresh, null));
        bot.say(message, replies, "🧹 New conversation" + stoppedNote + ": I've forgotten what we said before.");
    }

    private void stop(InboundMessage message, ReplyPort replies) {
        int stopped = stopOwn(message);
        bot.say(message, replies, stopped == 0 ? "Nothing of yours to stop here."
                : "⏹ Stopped " + stopped + " answer" + (stopped == 1 ? "" : "s") + ".");
    }

    /** Cancels the author's queued and running answers in this chat. */
    private int stopOwn(InboundMessage message) {
        String userKey = Bot.userKey(message);
        List<GenerationReply> own = bot.activeWhere(r -> r.target.userKey().equals(userKey)
                && r.target.message().chatId().equals(message.chatId()));
        own.forEach(GenerationReply::cancel);
        return own.size();
    }

    private String models() {
        String active = bot.engine.activeModel().name();
        var text = new StringBuilder("Models:");
        for (ModelInfo m : bot.engine.models()) {
            text.append('\n').append(m.name().equals(active) ? "▶ " : "• ").append(m.name())
                    .append(" — ").append(megabytes(m.fileSizeBytes()))
                    .append(", ").append(m.quantMix().isBlank() ? "types not inspected yet" : m.quantMix())
                    .append(", context ").append(m.contextLength()).append(" tokens, template ").append(m.template())
                    .append(m.name().equals(active) ? " (active)" : "");
        }
        return text.toString();
    }

    private void model(String name, InboundMessage message, ReplyPort replies) {
        ModelInfo active = bot.engine.activeModel();
        if (name == null) {
            bot.say(message, replies, "The active model is " + active.name() + ". Models: "
                    + String.join(", ", bot.modelNames()) + ". Admins switch with /model NAME.");
            return;
        }
        if (!bot.isAdmin(message.platform(), message.author())) {
            bot.say(message, replies, "⛔ Only admins can switch models; the active model is " + active.name() + ".");
            return;
        }
        if (!bot.modelNames().contains(name)) {
            bot.say(message, replies, "❓ There is no model named " + name + " ("
                    + Suggestions.didYouMean(name, bot.modelNames()) + ").");
            return;
        }
        if (name.equals(active.name())) {
            bot.say(message, replies, "Already using " + name + ".");
            return;
        }
        LiveReply progress = bot.open(message, replies);
        progress.show("⏳ Switching to " + name + "…", null);
        bot.engine.switchModel(name, (stage, fraction) -> progress.show("⏳ Switching to " + name + ": " + stage + " "
                        + Math.round(fraction * 100) + "%", null))
                .whenComplete((info, error) -> progress.finish(error == null
                        ? "✅ Now using " + info.name() + " (context " + info.contextLength() + " tokens)."
                        : "⚠️ Could not switch to " + name + ": " + rootMessage(error) + ". Still using "
                                + bot.engine.activeModel().name() + "."));
    }

    private void systemPrompt(String text, InboundMessage message, ReplyPort replies) {
        if (text == null) {
            String current = bot.systemPrompt(message);
            bot.say(message, replies, current.isBlank() ? "There is no system prompt here."
                    : "The system prompt here is:\n" + current);
            return;
        }
        if (!bot.isAdmin(message.platform(), message.author())) {
            bot.say(message, replies, "⛔ Only admins can set the system prompt.");
            return;
        }
        boolean reset = text.equalsIgnoreCase("reset");
        bot.store.setSystemPrompt(message.platform(), message.chatId(), reset ? null : text);
        bot.say(message, replies, reset ? "✅ The system prompt is back to the default."
                : "✅ System prompt set; it applies to the next messages in this chat.");
    }

    static String status(EngineStatus s) {
        return "Model: " + s.activeModel().name()
                + (s.warmingUp() ? " (warming up: the first replies come more slowly)" : "")
                + "\nQueue: " + s.queued() + " waiting, " + s.running() + " being answered"
                + "\nSpeed: " + String.format(Locale.ROOT, "%.1f", s.tokensPerSecondLastMinute()) + " tokens/s over the last minute"
                + "\nPrompt cache hits: " + Math.round(s.cacheHitRate() * 100) + "%"
                + "\nMemory: " + megabytes(s.memoryBytes());
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) cause = cause.getCause();
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
