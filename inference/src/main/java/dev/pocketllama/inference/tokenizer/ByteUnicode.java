package dev.pocketllama.inference.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping: printable bytes stand for themselves, the other 68 bytes (controls,
 * space, a few Latin-1 ones) are moved to U+0100 and up, so every byte sequence becomes visible text that BPE merges.
 */
final class ByteUnicode {
    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteUnicode() { }

    static String charOf(int b) { return String.valueOf(CHAR_OF_BYTE[b]); }

    /** Maps every byte of {@code utf8} to its stand-in character. */
    static String encode(byte[] utf8) {
        var sb = new StringBuilder(utf8.length);
        for (byte b : utf8) sb.append(CHAR_OF_BYTE[b & 0xFF]);
        return sb.toString();
    }

    /** The byte {@code codePoint} stands for, or -1 when it is not one of the 256 stand-ins. */
    static int byteOf(int codePoint) {
        return codePoint < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[codePoint] : -1;
    }
}
