package dev.pocketllama.inference.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Raw bytes held in a {@link String} with one char per byte (ISO-8859-1). llama.cpp's tokenizers work on UTF-8 bytes,
 * not characters; keeping token texts and inputs in this form lets every lookup, search and split be byte-exact.
 */
final class ByteString {
    private ByteString() { }

    static String ofUtf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static String of(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String byteString) {
        return byteString.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** How many bytes the UTF-8 sequence starting with {@code lead} claims to have (1 for a stray continuation byte). */
    static int utf8Length(char lead) {
        int high = (lead & 0xFF) >> 4;
        if (high < 0xC) return 1;
        return high == 0xF ? 4 : high == 0xE ? 3 : 2;
    }
}
