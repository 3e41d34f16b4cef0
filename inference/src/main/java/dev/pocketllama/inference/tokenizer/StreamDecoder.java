package dev.pocketllama.inference.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated tokens into text as they arrive. Byte tokens can split one character over several tokens (an
 * emoji is often four {@code <0xF0>...} tokens), so bytes are held back until their UTF-8 sequence is complete;
 * bytes that can never form a character come out as U+FFFD. Pieces are joined as llama.cpp streams them (a
 * SentencePiece word keeps its leading space). Not thread-safe: one per generation.
 */
public final class StreamDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    StreamDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token; returns the text that is now complete (often the token's piece, sometimes empty). */
    public String push(int id) {
        pending.writeBytes(tokenizer.piece(id, renderSpecial));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefix(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Ends the stream: whatever is held back (an unfinished character) comes out as U+FFFD. */
    public String finish() {
        String rest = new String(pending.toByteArray(), StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * The length of the longest prefix that does not end inside a UTF-8 sequence which could still be completed.
     * Invalid bytes are part of the prefix: they decode to U+FFFD now rather than blocking the stream forever.
     */
    private static int completePrefix(byte[] bytes) {
        int n = bytes.length;
        // A character is at most four bytes, so only the last three can start an unfinished one.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for its lead
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 1;
            if (b >= 0xF5) need = 1;
            return need > back && validSoFar(bytes, n - back) ? n - back : n;
        }
        return n;
    }

    /** Whether the bytes from {@code lead} to the end are a valid beginning of a UTF-8 sequence. */
    private static boolean validSoFar(byte[] bytes, int lead) {
        int b0 = bytes[lead] & 0xFF;
        if (lead + 1 >= bytes.length) return true;
        int b1 = bytes[lead + 1] & 0xFF;
        // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates or > U+10FFFF).
        int lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
        int hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
        return b1 >= lo && b1 <= hi;
    }
}
