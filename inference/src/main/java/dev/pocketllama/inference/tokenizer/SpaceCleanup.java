package dev.pocketllama.inference.tokenizer;

import java.util.Arrays;

/**
 * The Hugging Face "clean up tokenization spaces" step BPE vocabularies ask for when decoding, in llama.cpp's three
 * in-place passes: no space before {@code ? ! . ,}, none around a lone apostrophe, none before {@code 's 'm 're 've}.
 */
final class SpaceCleanup {
    private SpaceCleanup() { }

    static byte[] apply(byte[] text) {
        byte[] t = text.clone();
        int n = punctuation(t, t.length);
        n = loneApostrophes(t, n);
        n = contractions(t, n);
        return Arrays.copyOf(t, n);
    }

    private static int punctuation(byte[] t, int length) {
        int total = length > 0 ? 1 : 0;
        for (int i = 1; i < length; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) total--;
            t[total++] = x;
        }
        return total;
    }

    private static int loneApostrophes(byte[] t, int length) {
        int total = length > 0 ? 1 : 0;
        for (int i = 1; i < length; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < length && t[i - 1] == ' ' && t[i + 1] == ' ') {
                total--;
                t[++i] = 0; // the space after is dropped too; the marker keeps it from counting as "a space before"
            }
            t[total++] = x;
        }
        return total;
    }

    private static int contractions(byte[] t, int length) {
        int total = length > 0 ? 1 : 0;
        for (int i = 1; i < length; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < length) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (i + 2 < length) {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' || x1 == 'v') && x2 == 'e') total--;
                }
            }
            t[total++] = x;
        }
        return total;
    }
}
