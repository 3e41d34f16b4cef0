package dev.pocketllama.telegram;

import dev.pocketllama.bot.OutgoingMessage;
import dev.pocketllama.bot.PlatformLimits;
import dev.pocketllama.bot.ReplyPort;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams a private reply as a Telegram draft ({@code sendMessageDraft}, Bot API 9.3+) instead of a message edited
 * over and over: the text grows in the user's chat, and becomes a real message once bot-core shows it without a
 * Stop control (the reply finished, or filled this message and continues in the next). Drafts carry no buttons,
 * so while one streams, {@code /stop} stops it. Messages without a Stop control go out as ordinary messages.
 */
final class DraftReplyPort implements ReplyPort {

    private static final String DRAFT_PREFIX = "draft-";

    private final TelegramReplyPort messages;
    private final AtomicInteger draftIds;
    /** Drafts that became real messages, by the id bot-core knows them by. */
    private final Map<String, String> sentAs = new ConcurrentHashMap<>();

    /** {@code draftIds} is shared by the adapter, so that drafts of different replies never share an id. */
    DraftReplyPort(TelegramReplyPort messages, AtomicInteger draftIds) {
        this.messages = messages;
        this.draftIds = draftIds;
    }

    @Override
    public PlatformLimits limits() { return messages.limits(); }

    @Override
    public CompletableFuture<String> send(OutgoingMessage message) {
        if (message.stopId() == null) return messages.send(message);
        int draftId = draftIds.updateAndGet(id -> id == Integer.MAX_VALUE ? 1 : id + 1);
        return messages.draft(draftId, message).thenApply(shown -> DRAFT_PREFIX + draftId);
    }

    @Override
    public CompletableFuture<Void> edit(String messageId, OutgoingMessage message) {
        if (!messageId.startsWith(DRAFT_PREFIX)) return messages.edit(messageId, message);
        String sent = sentAs.get(messageId);
        if (sent != null) return messages.edit(sent, message);
        if (message.stopId() != null) {
            return messages.draft(Integer.parseInt(messageId.substring(DRAFT_PREFIX.length())), message);
        }
        return messages.send(message).thenAccept(id -> sentAs.put(messageId, id));
    }

    @Override
    public CompletableFuture<Void> typing() { return messages.typing(); }

    /** A draft not yet sent needs no deleting: it fades by itself. */
    @Override
    public CompletableFuture<Void> delete(String messageId) {
        String sent = messageId.startsWith(DRAFT_PREFIX) ? sentAs.get(messageId) : messageId;
        return sent == null ? CompletableFuture.completedFuture(null) : messages.delete(sent);
    }
}
