package dev.pocketllama.telegram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Markdown a model writes (bold, italic, strikethrough, inline code, fenced code blocks, links, headings,
 * lists, quotes) as the HTML subset Telegram accepts. The output is always well-formed: a tag is only written with
 * its closing pair, so a marker without a partner (an unbalanced {@code *} or backtick, or a half-streamed reply)
 * stays literal text, and every {@code <}, {@code >} and {@code &} of the text is escaped.
 */
final class TelegramHtml {

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*([\\w+#.-]*)[^`]*$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");
    private static final Pattern QUOTE = Pattern.compile("^ {0,3}>\\s?(.*)$");
    private static final Pattern LINK_TARGET = Pattern.compile("^(https?|tg|mailto):[^\\s()<>\"]+$");

    private TelegramHtml() { }

    static String render(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
        StringBuilder out = new StringBuilder(markdown.length() + 32);
        int i = 0;
        while (i < lines.length) {
            if (i > 0) out.append('\n');
            Matcher fence = FENCE.matcher(lines[i]);
            Matcher quote = QUOTE.matcher(lines[i]);
            if (fence.matches()) {
                i = renderCodeBlock(lines, i, fence.group(1), fence.group(2), out);
            } else if (quote.matches()) {
                out.append("<blockquote>");
                renderInline(quote.group(1), out);
                i++;
                while (i < lines.length && (quote = QUOTE.matcher(lines[i])).matches()) {
                    out.append('\n');
                    renderInline(quote.group(1), out);
                    i++;
                }
                out.append("</blockquote>");
            } else {
                renderLine(lines[i], out);
                i++;
            }
        }
        return out.toString();
    }

    /** Renders the code block opening at line {@code start}; an unclosed block (still streaming) runs to the end. */
    private static int renderCodeBlock(String[] lines, int start, String fence, String language, StringBuilder out) {
        int end = start + 1;
        while (end < lines.length && !isClosingFence(lines[end], fence)) end++;
        out.append(language.isEmpty() ? "<pre>" : "<pre><code class=\"language-" + escape(language) + "\">");
        for (int line = start + 1; line < end; line++) {
            if (line > start + 1) out.append('\n');
            out.append(escape(lines[line]));
        }
        out.append(language.isEmpty() ? "</pre>" : "</code></pre>");
        return Math.min(end + 1, lines.length);
    }

    private static boolean isClosingFence(String line, String fence) {
        String trimmed = line.strip();
        return trimmed.length() >= fence.length() && trimmed.chars().allMatch(c -> c == fence.charAt(0));
    }

    private static void renderLine(String line, StringBuilder out) {
        Matcher heading = HEADING.matcher(line);
        Matcher bullet = BULLET.matcher(line);
        if (heading.matches()) {
            out.append("<b>");
            renderInline(heading.group(1), out);
            out.append("</b>");
        } else if (bullet.matches()) {
            out.append(bullet.group(1)).append("• ");
            renderInline(bullet.group(2), out);
        } else {
            renderInline(line, out);
        }
    }

    private static void renderInline(String text, StringBuilder out) {
        renderInline(text, true, out);
    }

    private static void renderInline(String text, boolean linksAllowed, StringBuilder out) {
        int i = 0;
        int n = text.length();
        int next;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n && isAsciiPunctuation(text.charAt(i + 1))) {
                out.append(escape(String.valueOf(text.charAt(i + 1))));
                i += 2;
            } else if (c == '`') {
                i = renderCodeSpan(text, i, out);
            } else if (c == '[' && linksAllowed && (next = renderLink(text, i, out)) > i) {
                i = next;
            } else if (c == '*' || c == '_' || c == '~') {
                i = renderEmphasis(text, i, linksAllowed, out);
            } else {
                appendEscaped(c, out);
                i++;
            }
        }
    }

    private static int renderCodeSpan(String text, int start, StringBuilder out) {
        int run = runLength(text, start, '`');
        int close = findBacktickRun(text, start + run, run);
        if (close < 0) {
            out.append("`".repeat(run));
            return start + run;
        }
        out.append("<code>").append(escape(text.substring(start + run, close))).append("</code>");
        return close + run;
    }

    private static int findBacktickRun(String text, int from, int run) {
        int i = from;
        while (i < text.length()) {
            if (text.charAt(i) == '`') {
                int length = runLength(text, i, '`');
                if (length == run) return i;
                i += length;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Writes {@code [label](url)} as a link and returns the index after it, or returns {@code start} if it is none. */
    private static int renderLink(String text, int start, StringBuilder out) {
        int labelEnd = text.indexOf("](", start + 1);
        if (labelEnd < 0) return start;
        int urlEnd = text.indexOf(')', labelEnd + 2);
        if (urlEnd < 0) return start;
        String label = text.substring(start + 1, labelEnd);
        String url = text.substring(labelEnd + 2, urlEnd).strip();
        if (label.isEmpty() || label.indexOf('[') >= 0 || !LINK_TARGET.matcher(url).matches()) return start;
        out.append("<a href=\"").append(escape(url).replace("\"", "&quot;")).append("\">");
        renderInline(label, false, out);
        out.append("</a>");
        return urlEnd + 1;
    }

    private static int renderEmphasis(String text, int start, boolean linksAllowed, StringBuilder out) {
        char marker = text.charAt(start);
        int run = runLength(text, start, marker);
        int width = marker == '~' ? 2 : Math.min(run, 2);
        String tag = marker == '~' ? "s" : width == 2 ? "b" : "i";
        int close = run >= width && opens(text, start, width) ? findCloser(text, start + width, marker, width) : -1;
        if (close < 0) {
            out.append(escape(text.substring(start, start + run)));
            return start + run;
        }
        out.append('<').append(tag).append('>');
        renderInline(text.substring(start + width, close), linksAllowed, out);
        out.append("</").append(tag).append('>');
        return close + width;
    }

    private static boolean opens(String text, int start, int width) {
        char marker = text.charAt(start);
        int after = start + width;
        if (after >= text.length() || Character.isWhitespace(text.charAt(after))) return false;
        // snake_case_words are not emphasis
        return marker != '_' || start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1));
    }

    /** Finds the closing delimiter, skipping code spans and (for single markers) doubled ones. */
    private static int findCloser(String text, int from, char marker, int width) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '`') {
                int run = runLength(text, i, '`');
                int close = findBacktickRun(text, i + run, run);
                i = close < 0 ? i + run : close + run;
                continue;
            }
            if (c == marker) {
                int run = runLength(text, i, marker);
                if (run >= width && (width == 2 || run == 1) && closes(text, i, width, from)) return i;
                i += run;
                continue;
            }
            i++;
        }
        return -1;
    }

    private static boolean closes(String text, int at, int width, int contentStart) {
        if (at == contentStart || Character.isWhitespace(text.charAt(at - 1))) return false;
        int after = at + width;
        return text.charAt(at) != '_' || after >= text.length() || !Character.isLetterOrDigit(text.charAt(after));
    }

    private static int runLength(String text, int start, char c) {
        int end = start;
        while (end < text.length() && text.charAt(end) == c) end++;
        return end - start;
    }

    private static boolean isAsciiPunctuation(char c) {
        return c < 128 && !Character.isLetterOrDigit(c) && !Character.isWhitespace(c) && !Character.isISOControl(c);
    }

    /** Escapes the three characters Telegram's HTML parser treats as markup. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) appendEscaped(text.charAt(i), out);
        return out.toString();
    }

    private static void appendEscaped(char c, StringBuilder out) {
        switch (c) {
            case '<' -> out.append("&lt;");
            case '>' -> out.append("&gt;");
            case '&' -> out.append("&amp;");
            default -> out.append(c);
        }
    }
}
