package dev.pocketllama.inference.tokenizer;

import java.util.Objects;

/**
 * A stretch of prompt text and whether control tokens written in it count as tokens. Chat templates mark their own
 * markup ({@code <|im_start|>}) as special and users' words as not, so a user cannot type a control token.
 */
public record Segment(String text, boolean parseSpecial) {
    public Segment {
        Objects.requireNonNull(text, "text");
    }

    public static Segment markup(String text) { return new Segment(text, true); }

    public static Segment content(String text) { return new Segment(text, false); }
}
