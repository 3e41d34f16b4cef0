package dev.pocketllama.inference.tokenizer;

/**
 * Token attributes as bit flags, the way llama.cpp keeps them: a token can be control and right-stripping at once.
 * GGUF stores a token type per token ({@code tokenizer.ggml.token_type}); {@link #fromGgufType} maps it.
 */
final class TokenAttr {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    static final int LSTRIP = 1 << 7;
    static final int RSTRIP = 1 << 8;

    /** Tokens that special-token parsing looks for in the text. */
    static final int SPECIAL_TEXT = CONTROL | USER_DEFINED | UNKNOWN;

    private TokenAttr() { }

    /** GGUF token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte; anything else undefined. */
    static int fromGgufType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
