package dev.pocketllama.inference.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Unicode code points and their classes as llama.cpp's pre-tokenizers see them: UTF-8 is decoded leniently (an
 * invalid byte becomes U+FFFD), and "whitespace" is Unicode's White_Space property, not Java's narrower notion.
 */
final class CodePoints {
    static final int NUMBER = 1;
    static final int LETTER = 1 << 1;
    static final int SEPARATOR = 1 << 2;
    static final int MARK = 1 << 3;
    static final int PUNCTUATION = 1 << 4;
    static final int SYMBOL = 1 << 5;
    static final int CONTROL = 1 << 6;
    static final int UNDEFINED = 1 << 7;
    static final int WHITESPACE = 1 << 8;

    private CodePoints() { }

    /** The class flags of {@code cp}; 0 only for "no character" (a position outside the text). */
    static int flags(int cp) {
        int category = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> UNDEFINED;
        };
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }

    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** Decodes UTF-8 like llama.cpp: each byte that does not start a well-formed sequence becomes U+FFFD. */
    static int[] decode(String bytes) {
        int[] out = new int[bytes.length()];
        int n = 0;
        int i = 0;
        while (i < bytes.length()) {
            int b0 = bytes.charAt(i);
            int len = b0 < 0x80 ? 1 : (b0 & 0x40) == 0 ? 0 : (b0 & 0x20) == 0 ? 2 : (b0 & 0x10) == 0 ? 3
                    : (b0 & 0x08) == 0 ? 4 : 0;
            if (len == 0 || i + len > bytes.length() || !continuations(bytes, i + 1, i + len)) {
                out[n++] = 0xFFFD;
                i++;
                continue;
            }
            int cp = len == 1 ? b0 : b0 & (0x7F >> len);
            for (int k = 1; k < len; k++) cp = (cp << 6) | (bytes.charAt(i + k) & 0x3F);
            out[n++] = cp;
            i += len;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static boolean continuations(String bytes, int from, int to) {
        for (int k = from; k < to; k++) if ((bytes.charAt(k) & 0xC0) != 0x80) return false;
        return true;
    }

    /** UTF-8 bytes of code points {@code [from, to)}. */
    static byte[] utf8(int[] cps, int from, int to) {
        var out = new ByteArrayOutputStream(to - from);
        for (int k = from; k < to; k++) {
            int cp = cps[k];
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | (cp >> 6));
                out.write(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                out.write(0xE0 | (cp >> 12));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            } else {
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            }
        }
        return out.toByteArray();
    }
}
