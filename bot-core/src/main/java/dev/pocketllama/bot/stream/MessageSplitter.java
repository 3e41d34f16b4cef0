package dev.pocketllama.bot.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply into messages of at most {@code maxChars}, at a paragraph, line or word break where one is near,
 * and never inside a ``` code block: the block is split before it starts or closed and reopened (with its
 * language) in the next message. The cut of a part depends only on the text up to the limit, so a growing reply
 * keeps the parts it already sent.
 */
public final class MessageSplitter {
    private static final String FENCE = "```";
    /** Below this, code blocks are ignored: there is no room to close and reopen one. */
    private static final int MIN_FENCE_AWARE_CHARS = 32;

    private MessageSplitter() { }

    public static List<String> split(String text, int maxChars) {
        if (maxChars < 1) throw new IllegalArgumentException("maxChars must be at least 1, was " + maxChars);
        List<String> parts = new ArrayList<>();
        String rest = text;
        while (rest.length() > maxChars) {
            Cut cut = maxChars < MIN_FENCE_AWARE_CHARS ? plain(rest, breakBefore(rest, maxChars)) : cut(rest, maxChars);
            parts.add(cut.head());
            rest = cut.rest();
        }
        parts.add(rest);
        return parts;
    }

    private record Cut(String head, String rest) { }

    /** Where a break goes: the head ends at {@code at}, the rest starts after {@code separator} characters. */
    private record Break(int at, int separator) { }

    /** An open code block: where its fence line starts and the fence line itself (```lang). */
    private record OpenFence(int start, String line) { }

    private static Cut cut(String text, int maxChars) {
        Break b = breakBefore(text, maxChars);
        OpenFence fence = openFenceAt(text, b.at());
        if (fence == null) return plain(text, b);
        if (fence.start() >= maxChars / 4) {
            return new Cut(text.substring(0, fence.start()).stripTrailing(), text.substring(fence.start()));
        }
        String close = "\n" + FENCE;
        Break inside = breakBefore(text, maxChars - close.length());
        OpenFence fenceInside = openFenceAt(text, inside.at());
        if (fenceInside == null) return plain(text, inside);
        String reopen = fenceInside.line() + "\n";
        String head = text.substring(0, inside.at());
        head = (head.endsWith("\n") ? head : head + "\n") + FENCE;
        if (head.length() > maxChars) return hardCut(text, maxChars);
        return new Cut(head, reopen + text.substring(inside.at() + inside.separator()));
    }

    private static Cut plain(String text, Break b) {
        return new Cut(text.substring(0, b.at()), text.substring(b.at() + b.separator()));
    }

    private static Cut hardCut(String text, int maxChars) {
        int at = safeEnd(text, maxChars);
        return new Cut(text.substring(0, at), text.substring(at));
    }

    /** The last paragraph, line or word break in the second half of the allowed length, else a hard cut. */
    private static Break breakBefore(String text, int limit) {
        int from = limit / 2;
        int paragraph = text.lastIndexOf("\n\n", limit - 1);
        if (paragraph >= from) return new Break(paragraph, 2);
        int line = text.lastIndexOf('\n', limit);
        if (line >= from) return new Break(line, 1);
        int word = text.lastIndexOf(' ', limit);
        if (word >= from) return new Break(word, 1);
        return new Break(safeEnd(text, limit), 0);
    }

    /** {@code limit}, or one less so a surrogate pair is not cut in half. */
    private static int safeEnd(String text, int limit) {
        return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }

    /** The code block open at {@code position}, found by toggling at every line that starts with ```. */
    private static OpenFence openFenceAt(String text, int position) {
        OpenFence open = null;
        int lineStart = 0;
        while (lineStart < position) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = text.length();
            String line = text.substring(lineStart, lineEnd).strip();
            if (line.startsWith(FENCE) && lineEnd <= position) {
                open = open == null ? new OpenFence(lineStart, line) : null;
            }
            lineStart = lineEnd + 1;
        }
        return open;
    }
}
