package dev.pocketllama.inference.chat;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.tokenizer.Segment;
import dev.pocketllama.inference.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A chat format bound to a model's tokenizer: renders a conversation into prompt ids that end where the assistant
 * speaks next, and knows which tokens end the assistant's turn. Markup is tokenized with special-token parsing,
 * the turns' texts without, so nobody can type a control token into the prompt; for ordinary text the ids are
 * exactly those of llama.cpp's template output tokenized as one string.
 */
public final class ChatTemplate {
    private final ChatFormat format;
    private final Tokenizer tokenizer;
    /** The text that closes a turn, where the format has one. */
    private final String endOfTurn;

    public ChatTemplate(ChatFormat format, Tokenizer tokenizer) {
        this.format = format;
        this.tokenizer = tokenizer;
        this.endOfTurn = switch (format) {
            case RAW -> null;
            case LLAMA2 -> "</s>";
            case LLAMA3 -> "<|eot_id|>";
            case CHATML -> "<|im_end|>";
            // Zephyr's Jinja closes turns with eos_token; StableLM's zephyr has <|endoftext|>, as llama.cpp writes.
            case ZEPHYR -> tokenizer.tokenId("<|endoftext|>").isPresent() ? "<|endoftext|>"
                    : tokenizer.vocabulary().text(tokenizer.eos());
            case PHI3 -> "<|end|>";
        };
    }

    public ChatFormat format() { return format; }

    /** The prompt ids for {@code messages}, BOS first when the vocabulary wants it, ending with the assistant's cue. */
    public int[] render(List<ChatMessage> messages) {
        return tokenizer.encode(segments(messages), true);
    }

    /** The rendered prompt as markup and content segments (what {@link #render} tokenizes). */
    public List<Segment> segments(List<ChatMessage> messages) {
        var out = new ArrayList<Segment>();
        switch (format) {
            case RAW -> {
                for (int i = 0; i < messages.size(); i++) {
                    if (i > 0) out.add(Segment.content("\n"));
                    out.add(Segment.content(messages.get(i).text()));
                }
            }
            case LLAMA2 -> llama2(messages, out);
            case LLAMA3 -> {
                for (ChatMessage m : messages) {
                    out.add(Segment.markup("<|start_header_id|>" + role(m) + "<|end_header_id|>\n\n"));
                    out.add(Segment.content(trimAsciiSpace(m.text())));
                    out.add(Segment.markup(endOfTurn));
                }
                out.add(Segment.markup("<|start_header_id|>assistant<|end_header_id|>\n\n"));
            }
            case CHATML -> {
                for (ChatMessage m : messages) {
                    out.add(Segment.markup("<|im_start|>" + role(m) + "\n"));
                    out.add(Segment.content(m.text()));
                    out.add(Segment.markup(endOfTurn + "\n"));
                }
                out.add(Segment.markup("<|im_start|>assistant\n"));
            }
            case ZEPHYR, PHI3 -> {
                for (ChatMessage m : messages) {
                    out.add(Segment.markup("<|" + role(m) + "|>\n"));
                    out.add(Segment.content(m.text()));
                    out.add(Segment.markup(endOfTurn + "\n"));
                }
                out.add(Segment.markup("<|assistant|>\n"));
            }
        }
        return out;
    }

    /** llama.cpp's "llama2-sys": the first [INST] opens the prompt; an answer closes its turn with {@code </s>}. */
    private void llama2(List<ChatMessage> messages, List<Segment> out) {
        out.add(Segment.markup("[INST] "));
        boolean insideTurn = true;
        for (ChatMessage m : messages) {
            if (!insideTurn) {
                out.add(Segment.markup("[INST] "));
                insideTurn = true;
            }
            switch (m.role()) {
                case SYSTEM -> {
                    out.add(Segment.markup("<<SYS>>\n"));
                    out.add(Segment.content(m.text()));
                    out.add(Segment.markup("\n<</SYS>>\n\n"));
                }
                case USER -> {
                    out.add(Segment.content(m.text()));
                    out.add(Segment.markup(" [/INST]"));
                }
                case ASSISTANT -> {
                    out.add(Segment.content(m.text()));
                    out.add(Segment.markup(endOfTurn));
                    insideTurn = false;
                }
            }
        }
    }

    private static String role(ChatMessage m) { return m.role().name().toLowerCase(Locale.ROOT); }

    /** Trims C-locale whitespace only, as llama.cpp's template code does. */
    private static String trimAsciiSpace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isAsciiSpace(s.charAt(from))) from++;
        while (to > from && isAsciiSpace(s.charAt(to - 1))) to--;
        return s.substring(from, to);
    }

    private static boolean isAsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

    /**
     * Tokens that end the assistant's turn: the format's end-of-turn token (when the vocabulary has it) and every
     * token the vocabulary marks as ending generation, EOS included.
     */
    public Set<Integer> stopTokens() {
        var stops = new TreeSet<>(tokenizer.vocabulary().endOfGenerationIds());
        if (endOfTurn != null) tokenizer.tokenId(endOfTurn).ifPresent(stops::add);
        return Set.copyOf(stops);
    }

    @Override
    public String toString() { return "ChatTemplate[" + format.configName() + "]"; }
}
