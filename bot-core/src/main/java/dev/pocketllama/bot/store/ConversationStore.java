package dev.pocketllama.bot.store;

import dev.pocketllama.bot.Platform;
import dev.pocketllama.inference.api.ChatMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Conversations in an SQLite file: turns linked to the turn they follow (so a reply chain is a path back to its
 * root), which platform message carries which turn, each chat's current conversation and its system prompt.
 * A restart loses nothing, and a reply to an old bot message finds its conversation.
 * One connection; every method is synchronized.
 */
public final class ConversationStore implements AutoCloseable {
    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS conversations(id INTEGER PRIMARY KEY, platform TEXT NOT NULL,
            chat_id TEXT NOT NULL, created_millis INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS turns(id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id), parent_id INTEGER REFERENCES turns(id),
            role TEXT NOT NULL, text TEXT NOT NULL, author_id TEXT, created_millis INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS messages(platform TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL,
            turn_id INTEGER NOT NULL REFERENCES turns(id), from_bot INTEGER NOT NULL,
            PRIMARY KEY(platform, chat_id, message_id))""",
        """
        CREATE TABLE IF NOT EXISTS heads(platform TEXT NOT NULL, scope_key TEXT NOT NULL,
            conversation_id INTEGER NOT NULL, turn_id INTEGER, PRIMARY KEY(platform, scope_key))""",
        """
        CREATE TABLE IF NOT EXISTS system_prompts(platform TEXT NOT NULL, chat_id TEXT NOT NULL, text TEXT NOT NULL,
            PRIMARY KEY(platform, chat_id))"""
    };

    private final Connection db;

    private ConversationStore(Connection db) { this.db = db; }

    /** Opens (creating if needed) the store at {@code path}; {@code :memory:} keeps it in memory only. */
    public static ConversationStore open(String path) {
        try {
            if (!path.equals(":memory:")) {
                Path parent = Path.of(path).toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
            }
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + path);
            try (Statement s = db.createStatement()) {
                if (!path.equals(":memory:")) {
                    s.execute("PRAGMA journal_mode=WAL");
                    // In WAL mode NORMAL survives a crash of the bot (only a power cut may lose the last turns)
                    // and spares an fsync per write, which on a busy disk held the dispatch thread up.
                    s.execute("PRAGMA synchronous=NORMAL");
                }
                s.execute("PRAGMA foreign_keys=ON");
                for (String table : SCHEMA) s.execute(table);
            }
            return new ConversationStore(db);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the conversation store " + path + ": " + e.getMessage()
                    + " (check store.path and that the directory is writable)", e);
        }
    }

    public synchronized long newConversation(Platform platform, String chatId) {
        return insert("INSERT INTO conversations(platform, chat_id, created_millis) VALUES (?, ?, ?)",
                platform.name(), chatId, System.currentTimeMillis());
    }

    /** Adds a turn following {@code parentTurnId} (null for the first) and returns its id. */
    public synchronized long addTurn(long conversationId, Long parentTurnId, ChatMessage.Role role, String text,
                                     String authorId) {
        return insert("INSERT INTO turns(conversation_id, parent_id, role, text, author_id, created_millis) "
                + "VALUES (?, ?, ?, ?, ?, ?)", conversationId, parentTurnId, role.name(), text, authorId,
                System.currentTimeMillis());
    }

    public synchronized Optional<StoredTurn> turn(long turnId) {
        return query("SELECT id, conversation_id, parent_id, role, text FROM turns WHERE id = ?",
                List.of(turnId)).stream().findFirst();
    }

    /** The turns from the conversation's start up to {@code turnId}, oldest first, at most {@code maxTurns} newest. */
    public synchronized List<StoredTurn> chain(long turnId, int maxTurns) {
        List<StoredTurn> newestFirst = query("""
                WITH RECURSIVE chain(id, conversation_id, parent_id, role, text, depth) AS (
                  SELECT id, conversation_id, parent_id, role, text, 1 FROM turns WHERE id = ?
                  UNION ALL
                  SELECT t.id, t.conversation_id, t.parent_id, t.role, t.text, c.depth + 1
                  FROM turns t JOIN chain c ON t.id = c.parent_id WHERE c.depth < ?)
                SELECT id, conversation_id, parent_id, role, text FROM chain ORDER BY depth""",
                List.of(turnId, maxTurns));
        List<StoredTurn> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    /** Records that a platform message carries {@code turnId}; indexing it again points it at the new turn. */
    public synchronized void indexMessage(Platform platform, String chatId, String messageId, long turnId,
                                          boolean fromBot) {
        update("INSERT OR REPLACE INTO messages(platform, chat_id, message_id, turn_id, from_bot) VALUES (?, ?, ?, ?, ?)",
                platform.name(), chatId, messageId, turnId, fromBot ? 1 : 0);
    }

    /** The turn a platform message carries, if it is one of a conversation's messages. */
    public synchronized Optional<StoredTurn> turnOfMessage(Platform platform, String chatId, String messageId) {
        return query("""
                SELECT t.id, t.conversation_id, t.parent_id, t.role, t.text FROM messages m JOIN turns t ON t.id = m.turn_id
                WHERE m.platform = ? AND m.chat_id = ? AND m.message_id = ?""",
                List.of(platform.name(), chatId, messageId)).stream().findFirst();
    }

    public synchronized boolean isBotMessage(Platform platform, String chatId, String messageId) {
        try (PreparedStatement s = prepare("SELECT 1 FROM messages WHERE platform = ? AND chat_id = ? AND message_id = ? "
                + "AND from_bot = 1", platform.name(), chatId, messageId); ResultSet r = s.executeQuery()) {
            return r.next();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized Optional<ChatHead> head(Platform platform, String scopeKey) {
        try (PreparedStatement s = prepare("SELECT conversation_id, turn_id FROM heads WHERE platform = ? AND scope_key = ?",
                platform.name(), scopeKey); ResultSet r = s.executeQuery()) {
            if (!r.next()) return Optional.empty();
            long conversation = r.getLong(1);
            long turn = r.getLong(2);
            return Optional.of(new ChatHead(conversation, r.wasNull() ? null : turn));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void setHead(Platform platform, String scopeKey, ChatHead head) {
        update("INSERT OR REPLACE INTO heads(platform, scope_key, conversation_id, turn_id) VALUES (?, ?, ?, ?)",
                platform.name(), scopeKey, head.conversationId(), head.turnId());
    }

    /** Forgets the chat's current conversation: the next message starts a new one. */
    public synchronized void clearHead(Platform platform, String scopeKey) {
        update("DELETE FROM heads WHERE platform = ? AND scope_key = ?", platform.name(), scopeKey);
    }

    public synchronized Optional<String> systemPrompt(Platform platform, String chatId) {
        try (PreparedStatement s = prepare("SELECT text FROM system_prompts WHERE platform = ? AND chat_id = ?",
                platform.name(), chatId); ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Sets the chat's system prompt; null goes back to the configured one. */
    public synchronized void setSystemPrompt(Platform platform, String chatId, String text) {
        if (text == null) update("DELETE FROM system_prompts WHERE platform = ? AND chat_id = ?", platform.name(), chatId);
        else update("INSERT OR REPLACE INTO system_prompts(platform, chat_id, text) VALUES (?, ?, ?)",
                platform.name(), chatId, text);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<StoredTurn> query(String sql, List<Object> args) {
        try (PreparedStatement s = prepare(sql, args.toArray()); ResultSet r = s.executeQuery()) {
            List<StoredTurn> turns = new ArrayList<>();
            while (r.next()) {
                long parent = r.getLong(3);
                Long parentId = r.wasNull() ? null : parent;
                turns.add(new StoredTurn(r.getLong(1), r.getLong(2), parentId, ChatMessage.Role.valueOf(r.getString(4)),
                        r.getString(5)));
            }
            return turns;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private long insert(String sql, Object... args) {
        try (PreparedStatement s = prepare(sql, args)) {
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement s = prepare(sql, args)) {
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) s.setNull(i + 1, Types.NULL);
            else s.setObject(i + 1, args[i]);
        }
        return s;
    }

    private static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("conversation store: " + e.getMessage(), e);
    }
}
