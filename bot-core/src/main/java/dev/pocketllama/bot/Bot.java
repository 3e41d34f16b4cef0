package dev.pocketllama.bot;

import dev.pocketllama.bot.command.Command;
import dev.pocketllama.bot.command.CommandParser;
import dev.pocketllama.bot.conversation.AccessPolicy;
import dev.pocketllama.bot.conversation.HistoryTrimmer;
import dev.pocketllama.bot.store.ChatHead;
import dev.pocketllama.bot.store.ConversationStore;
import dev.pocketllama.bot.store.StoredTurn;
import dev.pocketllama.bot.stream.EditPacer;
import dev.pocketllama.bot.stream.LiveReply;
import dev.pocketllama.bot.stream.SystemTaskScheduler;
import dev.pocketllama.bot.stream.TaskScheduler;
import dev.pocketllama.config.ModelConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.Prompt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The platform-neutral bot: adapters hand it the messages meant for it and a {@link ReplyPort} to answer
 * through; it checks access and limits, runs commands, finds the conversation, trims its history to the model's
 * context, asks the engine, and streams the answer back. Messages are handled on one dispatch thread, in order;
 * every method returns at once.
 */
public final class Bot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    /** Most turns read back from a reply chain before trimming to the context. */
    private static final int MAX_HISTORY_TURNS = 200;

    final PocketLlamaConfig config;
    final Engine engine;
    final ConversationStore store;
    final AccessPolicy access;
    private final TaskScheduler scheduler;
    private final Executor dispatch;
    private final AutoCloseable ownedScheduler;
    private final Map<String, EditPacer> pacers = new ConcurrentHashMap<>();
    final Map<String, GenerationReply> active = new ConcurrentHashMap<>();
    private final AtomicLong stopIds = new AtomicLong(System.nanoTime() & 0xffffff);
    private final CommandHandler commands;

    /** {@code dispatch} runs message handling in order; {@code ownedScheduler} (may be null) is closed with the bot. */
    Bot(PocketLlamaConfig config, Engine engine, ConversationStore store, TaskScheduler scheduler,
        Executor dispatch, AutoCloseable ownedScheduler) {
        this.config = config;
        this.engine = engine;
        this.store = store;
        this.scheduler = scheduler;
        this.dispatch = dispatch;
        this.ownedScheduler = ownedScheduler;
        this.access = new AccessPolicy(config.admins(), config.allow());
        this.commands = new CommandHandler(this);
    }

    /** Wires a bot on a running engine; opens the SQLite store at config.store().path(); system clock. */
    public static Bot start(PocketLlamaConfig config, Engine engine) {
        var scheduler = new SystemTaskScheduler();
        ExecutorService dispatch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bot-dispatch");
            t.setDaemon(true);
            return t;
        });
        return new Bot(config, engine, ConversationStore.open(config.store().path()), scheduler, dispatch, scheduler);
    }

    /** Handles one message the adapter decided is for the bot (chat or /command). Returns at once. */
    public void onMessage(InboundMessage message, ReplyPort replies) {
        onDispatch(() -> {
            try {
                handle(message, replies);
            } catch (RuntimeException e) {
                log.error("failed to handle a message in {} chat {}", message.platform(), message.chatId(), e);
                say(message, replies, "⚠️ Something went wrong on my side; please try again.");
            }
        });
    }

    /** A Stop control carrying stopId was pressed by presser. */
    public StopOutcome onStop(Platform platform, String stopId, Author presser) {
        GenerationReply reply = active.get(stopId);
        if (reply == null || reply.isOver() || reply.target.message().platform() != platform) {
            return StopOutcome.ALREADY_FINISHED;
        }
        if (!reply.target.message().author().id().equals(presser.id()) && !isAdmin(platform, presser)) {
            return StopOutcome.NOT_ALLOWED;
        }
        reply.cancel();
        return StopOutcome.STOPPED;
    }

    /** A platform message was deleted: a reply streaming into it is cancelled. */
    public void onMessageDeleted(Platform platform, String chatId, String messageId) {
        activeWhere(r -> r.target.message().platform() == platform && r.target.message().chatId().equals(chatId)
                && r.owns(messageId)).forEach(GenerationReply::abandon);
    }

    /** Configured model names (for autocomplete). */
    public List<String> modelNames() {
        return config.models().stream().map(ModelConfig::name).toList();
    }

    /** Whether this author may use admin commands (config admin ids, or Author.hasAdminRole()). */
    public boolean isAdmin(Platform platform, Author author) {
        return access.isAdmin(platform, author);
    }

    /** Whether messageId is a message the bot sent (store lookup; survives restarts). */
    public boolean isBotMessage(Platform platform, String chatId, String messageId) {
        return store.isBotMessage(platform, chatId, messageId);
    }

    @Override
    public void close() {
        active.values().forEach(GenerationReply::cancel);
        if (dispatch instanceof ExecutorService executor) {
            executor.shutdown();
            try {
                // Queued work is mostly store writes (answers, message ids): let it finish rather than lose it.
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("closing with {} bot tasks still queued; their store writes are lost",
                            executor.shutdownNow().size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (ownedScheduler != null) ownedScheduler.close();
        } catch (Exception e) {
            log.warn("closing the timer failed", e);
        }
        store.close();
    }

    private void handle(InboundMessage message, ReplyPort replies) {
        if (!access.isAllowed(message)) {
            say(message, replies, "⛔ This bot is not open to you here; ask its operator to add you to the allow list.");
            return;
        }
        Optional<Command> command = CommandParser.parse(message.text());
        if (command.isPresent()) commands.handle(command.get(), message, replies);
        else chat(message, replies);
    }

    private void chat(InboundMessage message, ReplyPort replies) {
        String text = message.text().strip();
        int maxChars = config.limits().maxMessageChars();
        if (text.isEmpty()) {
            say(message, replies, "👋 Ask me something, or send /help.");
            return;
        }
        if (text.length() > maxChars) {
            say(message, replies, "✋ Your message is " + text.length() + " characters; I take at most " + maxChars
                    + ". Please shorten it or send it in parts. Nothing was added to our conversation.");
            return;
        }
        String userKey = userKey(message);
        long waiting = activeWhere(r -> r.target.userKey().equals(userKey)).size();
        int perUser = config.limits().maxQueuedPerUser();
        if (waiting >= perUser) {
            say(message, replies, "✋ You already have " + waiting + " request" + (waiting == 1 ? "" : "s")
                    + " waiting (the limit is " + perUser + "); wait for the answers or /stop them.");
            return;
        }
        ReplyTarget target = addUserTurn(message, userKey, text);
        HistoryTrimmer.Trimmed prompt;
        ModelSettings settings = ModelSettings.of(config, engine.activeModel());
        try {
            List<ChatMessage> turns = store.chain(target.userTurnId(), MAX_HISTORY_TURNS).stream()
                    .map(StoredTurn::message).toList();
            prompt = HistoryTrimmer.trim(systemPrompt(message), turns, settings.historyBudgetTokens(config.limits()),
                    engine::countPromptTokens);
        } catch (HistoryTrimmer.TooLongException e) {
            rollBack(target);
            say(message, replies, "✋ Your message is " + e.tokens() + " tokens, but the model has room for "
                    + e.budgetTokens() + " (leaving space for the answer). Please shorten it.");
            return;
        }
        String stopId = "stop-" + Long.toString(stopIds.incrementAndGet(), 36);
        var reply = new GenerationReply(target, stopId, replies, scheduler, pacer(message, replies), new ReplyOwner());
        active.put(stopId, reply);
        reply.showPlaceholder();
        var request = new GenerationRequest(userKey, message.platform().name().toLowerCase() + ":conversation:"
                + target.conversationId(), new Prompt.Chat(prompt.messages()), settings.sampling(), settings.maxTokens());
        reply.attach(engine.submit(request, reply));
    }

    /** Stores the user's turn in its conversation: the one its reply-to belongs to, else the chat's current one. */
    private ReplyTarget addUserTurn(InboundMessage message, String userKey, String text) {
        Platform platform = message.platform();
        String scopeKey = scopeKey(message);
        Optional<StoredTurn> repliedTo = message.replyToMessageId() == null ? Optional.empty()
                : store.turnOfMessage(platform, message.chatId(), message.replyToMessageId());
        Optional<ChatHead> head = scopeKey == null ? Optional.empty() : store.head(platform, scopeKey);
        long conversation;
        Long parent;
        if (head.isPresent() && startsThread(message)) {
            // Every message in a thread started from a message names that message: the thread's head goes on.
            conversation = head.get().conversationId();
            parent = head.get().turnId();
        } else if (repliedTo.isPresent()) {
            conversation = repliedTo.get().conversationId();
            parent = repliedTo.get().id();
        } else if (head.isPresent()) {
            conversation = head.get().conversationId();
            parent = head.get().turnId();
        } else {
            conversation = store.newConversation(platform, message.chatId());
            parent = null;
        }
        long turn = store.addTurn(conversation, parent, ChatMessage.Role.USER, text, message.author().id());
        store.indexMessage(platform, message.chatId(), message.messageId(), turn, false);
        if (scopeKey != null) store.setHead(platform, scopeKey, new ChatHead(conversation, turn));
        return new ReplyTarget(message, userKey, scopeKey, conversation, turn, parent);
    }

    /** The question got no answer: the conversation continues from before it. */
    private void rollBack(ReplyTarget target) {
        if (target.scopeKey() == null) return;
        Platform platform = target.message().platform();
        Optional<ChatHead> head = store.head(platform, target.scopeKey());
        if (head.isPresent() && Long.valueOf(target.userTurnId()).equals(head.get().turnId())) {
            store.setHead(platform, target.scopeKey(), new ChatHead(target.conversationId(), target.parentTurnId()));
        }
    }

    /** Hears from replies, on any thread, and records them on the dispatch thread. */
    private final class ReplyOwner implements GenerationReply.Owner {
        @Override
        public void onMessageSent(GenerationReply reply, String messageId) {
            InboundMessage m = reply.target.message();
            onDispatch(() -> {
                Long answer = reply.answerTurnId;
                store.indexMessage(m.platform(), m.chatId(), messageId, answer != null ? answer : reply.target.userTurnId(), true);
            });
        }

        @Override
        public void onFinished(GenerationReply reply, GenerationEvent.Finished finished, String text) {
            onDispatch(() -> recordAnswer(reply, finished, text));
        }

        @Override
        public void onDelivered(GenerationReply reply) {
            active.remove(reply.stopId);
        }
    }

    private void recordAnswer(GenerationReply reply, GenerationEvent.Finished finished, String text) {
        ReplyTarget target = reply.target;
        InboundMessage m = target.message();
        if (!GenerationReply.answered(finished, text)) {
            rollBack(target);
            return;
        }
        long answer = store.addTurn(target.conversationId(), target.userTurnId(), ChatMessage.Role.ASSISTANT, text, null);
        reply.answerTurnId = answer;
        // Messages already out carry the question's turn until now; later ones are indexed as they are sent. Not
        // left to onDelivered: the platform may confirm the final edit after a shutdown, when that index is lost.
        reply.messageIds().forEach(id -> store.indexMessage(m.platform(), m.chatId(), id, answer, true));
        if (target.scopeKey() == null) return;
        Optional<ChatHead> head = store.head(m.platform(), target.scopeKey());
        if (head.isPresent() && Long.valueOf(target.userTurnId()).equals(head.get().turnId())) {
            store.setHead(m.platform(), target.scopeKey(), new ChatHead(target.conversationId(), answer));
        }
    }

    /** A one-off answer (a command's, a refusal), paced like every other message in the chat. */
    void say(InboundMessage message, ReplyPort replies, String text) {
        open(message, replies).finish(text);
    }

    /** A message that changes until it is finished, e.g. a model switch's progress. */
    LiveReply open(InboundMessage message, ReplyPort replies) {
        return new LiveReply(replies, scheduler, pacer(message, replies), new LiveReply.Listener() {
            @Override public void onMessageSent(String id) {
                onDispatch(() -> indexCommandReply(message, id));
            }
        });
    }

    /** A bot message answering a command still belongs to the conversation, so replying to it continues it. */
    private void indexCommandReply(InboundMessage message, String messageId) {
        store.turnOfMessage(message.platform(), message.chatId(), message.messageId()).ifPresent(turn ->
                store.indexMessage(message.platform(), message.chatId(), messageId, turn.id(), true));
    }

    String systemPrompt(InboundMessage message) {
        return store.systemPrompt(message.platform(), message.chatId()).orElse(config.conversations().systemPrompt());
    }

    /**
     * The chat scope whose current conversation a message continues; null where reply chains make conversations.
     * A thread started from a message (a Discord thread on a bot answer) is one conversation even among reply chains.
     */
    String scopeKey(InboundMessage message) {
        String chat = message.threadId() == null ? message.chatId() : message.chatId() + "/" + message.threadId();
        if (message.chatKind() == ChatKind.PRIVATE || startsThread(message)) return chat;
        return config.conversations().groupScope().equals("channel") ? chat : null;
    }

    private static boolean startsThread(InboundMessage message) {
        return message.threadId() != null && message.threadId().equals(message.replyToMessageId());
    }

    static String userKey(InboundMessage message) {
        return message.platform().name().toLowerCase() + ":" + message.author().id();
    }

    List<GenerationReply> activeWhere(Predicate<GenerationReply> filter) {
        return active.values().stream().filter(r -> !r.isOver()).filter(filter).toList();
    }

    /** Runs on the dispatch thread; after close, late callbacks from the engine or the platform are dropped. */
    private void onDispatch(Runnable task) {
        try {
            dispatch.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("a bot task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("bot closed; dropping a late task");
        }
    }

    private EditPacer pacer(InboundMessage message, ReplyPort replies) {
        return pacers.computeIfAbsent(message.platform() + ":" + message.chatId(),
                k -> new EditPacer(replies.limits().minEditInterval()));
    }
}
