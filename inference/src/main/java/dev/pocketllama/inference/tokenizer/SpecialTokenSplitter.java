package dev.pocketllama.inference.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special-token texts out of the input before the tokenizer proper runs, like llama.cpp's
 * {@code tokenizer_st_partition}: tokens are tried longest first, each occurrence becomes that token, and the text
 * around it stays raw (minus adjacent whitespace for tokens marked lstrip/rstrip). Control and unknown tokens are
 * only recognised where special parsing is on; user-defined tokens are always recognised.
 */
final class SpecialTokenSplitter {

    /** Either a token already decided, or raw bytes {@code [offset, offset + length)} of the input still to encode. */
    record Fragment(int token, int offset, int length, boolean parseSpecial) {
        static Fragment token(int id) { return new Fragment(id, -1, 0, false); }

        static Fragment raw(int offset, int length, boolean parseSpecial) {
            return new Fragment(Vocabulary.NONE, offset, length, parseSpecial);
        }

        boolean isRaw() { return token == Vocabulary.NONE; }

        int end() { return offset + length; }
    }

    private SpecialTokenSplitter() { }

    static List<Fragment> split(Vocabulary vocab, String input, List<Fragment> fragments) {
        List<Fragment> current = fragments;
        for (int id : vocab.specialTextTokens) {
            boolean needsParseSpecial = vocab.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN);
            String text = vocab.rawText(id);
            List<Fragment> next = new ArrayList<>(current.size() + 4);
            for (Fragment f : current) {
                if (!f.isRaw() || (needsParseSpecial && !f.parseSpecial())) {
                    next.add(f);
                } else {
                    cut(vocab, id, text, input, f, next);
                }
            }
            current = next;
        }
        return joinAdjacentRaw(current);
    }

    private static void cut(Vocabulary vocab, int id, String text, String input, Fragment f, List<Fragment> out) {
        int from = f.offset();
        int end = f.end();
        while (true) {
            int match = input.indexOf(text, from);
            if (match < 0 || match + text.length() > end) {
                if (from < end) out.add(Fragment.raw(from, end - from, f.parseSpecial()));
                return;
            }
            int leftEnd = match;
            if (vocab.has(id, TokenAttr.LSTRIP)) {
                while (leftEnd > from && isSpace(input.charAt(leftEnd - 1))) leftEnd--;
            }
            if (leftEnd > from) out.add(Fragment.raw(from, leftEnd - from, f.parseSpecial()));
            out.add(Fragment.token(id));
            from = match + text.length();
            if (vocab.has(id, TokenAttr.RSTRIP)) {
                while (from < end && isSpace(input.charAt(from))) from++;
            }
        }
    }

    /** C's isspace: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /**
     * Segments of one prompt that meet without a special token between them are one text to the tokenizer, exactly
     * as if the prompt had been a single string.
     */
    private static List<Fragment> joinAdjacentRaw(List<Fragment> fragments) {
        List<Fragment> out = new ArrayList<>(fragments.size());
        for (Fragment f : fragments) {
            Fragment last = out.isEmpty() ? null : out.getLast();
            if (f.isRaw() && last != null && last.isRaw() && last.end() == f.offset()) {
                out.set(out.size() - 1, Fragment.raw(last.offset(), last.length() + f.length(), last.parseSpecial()));
            } else {
                out.add(f);
            }
        }
        return out;
    }
}
