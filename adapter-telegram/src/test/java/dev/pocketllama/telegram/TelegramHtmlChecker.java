package dev.pocketllama.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses text with {@code parse_mode=HTML} as strictly as the Bot API does (the tags it supports, properly nested,
 * only the four named entities and numeric ones) and returns what the user sees, or throws the error Telegram
 * answers with: "can't parse entities: ...".
 */
final class TelegramHtmlChecker {

    static final class ParseError extends RuntimeException {
        ParseError(String detail, int offset) {
            super("Bad Request: can't parse entities: " + detail + " at byte offset " + offset);
        }
    }

    private static final Set<String> TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a",
            "code", "pre", "blockquote", "tg-spoiler", "span", "tg-emoji");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-z-]+)((?:\\s+[a-z-]+=\"[^\"<>]*\")*)\\s*>");
    private static final Pattern ENTITY = Pattern.compile("&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});");

    private TelegramHtmlChecker() { }

    static String visibleText(String html) {
        StringBuilder visible = new StringBuilder();
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                Matcher tag = TAG.matcher(html).region(i, html.length());
                if (!tag.lookingAt()) throw new ParseError("Unsupported start tag", i);
                String name = tag.group(2);
                if (!TAGS.contains(name)) throw new ParseError("Unsupported start tag \"" + name + "\"", i);
                if (tag.group(1).isEmpty()) {
                    if (name.equals("a") && !tag.group(3).contains("href=")) throw new ParseError("Empty href", i);
                    open.push(name);
                } else if (open.isEmpty() || !open.pop().equals(name)) {
                    throw new ParseError("Can't find end tag corresponding to start tag " + name, i);
                }
                i = tag.end();
            } else if (c == '&') {
                Matcher entity = ENTITY.matcher(html).region(i, html.length());
                if (!entity.lookingAt()) throw new ParseError("Unsupported HTML entity", i);
                visible.append(decode(entity.group(1)));
                i = entity.end();
            } else if (c == '>') {
                throw new ParseError("Unexpected end tag", i);
            } else {
                visible.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) throw new ParseError("Can't find end tag corresponding to start tag " + open.peek(), i);
        return visible.toString();
    }

    private static String decode(String entity) {
        return switch (entity) {
            case "lt" -> "<";
            case "gt" -> ">";
            case "amp" -> "&";
            case "quot" -> "\"";
            default -> Character.toString(entity.startsWith("#x")
                    ? Integer.parseInt(entity.substring(2), 16) : Integer.parseInt(entity.substring(1)));
        };
    }
}
