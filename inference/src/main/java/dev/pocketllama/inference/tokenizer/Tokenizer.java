package dev.pocketllama.inference.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Text to token ids and back, exactly as llama.cpp does it for the vocabulary's kind (SentencePiece or GPT-2 BPE):
 * special-token parsing, BOS/EOS as the vocabulary asks, SentencePiece's leading space, byte fallback; decoding
 * with llama.cpp's piece rules. Immutable and safe to share between threads.
 */
public final class Tokenizer {
    private static final String SPM_SPACE = ByteString.ofUtf8("\u2581");

    private final Vocabulary vocab;

    public Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    public Vocabulary vocabulary() { return vocab; }

    public int bos() { return vocab.bos; }

    public int eos() { return vocab.eos; }

    /** Whether {@link #encode} puts BOS first when asked to ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addsBos() { return vocab.addBos; }

    /** Whether generation should stop at {@code id}: EOS, end-of-turn and the like. */
    public boolean isEndOfGeneration(int id) { return vocab.isEndOfGeneration(id); }

    /** The id of the token whose text is exactly {@code text} (e.g. {@code <|im_end|>}), if there is one. */
    public OptionalInt tokenId(String text) {
        int id = vocab.id(ByteString.ofUtf8(text));
        return id == Vocabulary.NONE ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * Tokenizes {@code text} like {@code llama_tokenize}: with {@code addSpecial}, BOS (and EOS) are added where the
     * vocabulary asks for them; with {@code parseSpecial}, control-token texts such as {@code </s>} become those tokens.
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        return encode(List.of(new Segment(text, parseSpecial)), addSpecial);
    }

    /** Tokenizes raw bytes (which need not be valid UTF-8), otherwise like {@link #encode(String, boolean, boolean)}. */
    public int[] encodeBytes(byte[] utf8, boolean addSpecial, boolean parseSpecial) {
        String input = ByteString.of(utf8);
        var fragments = List.of(SpecialTokenSplitter.Fragment.raw(0, input.length(), parseSpecial));
        return encodeFragments(input, input.isEmpty() ? List.of() : fragments, addSpecial);
    }

    /** Tokenizes the concatenation of {@code segments} as one text, parsing special tokens only where a segment allows. */
    public int[] encode(List<Segment> segments, boolean addSpecial) {
        var input = new StringBuilder();
        var fragments = new ArrayList<SpecialTokenSplitter.Fragment>();
        for (Segment s : segments) {
            String bytes = ByteString.ofUtf8(s.text());
            if (bytes.isEmpty()) continue;
            fragments.add(SpecialTokenSplitter.Fragment.raw(input.length(), bytes.length(), s.parseSpecial()));
            input.append(bytes);
        }
        return encodeFragments(input.toString(), fragments, addSpecial);
    }

    private int[] encodeFragments(String input, List<SpecialTokenSplitter.Fragment> initial, boolean addSpecial) {
        var fragments = SpecialTokenSplitter.split(vocab, input, initial);
        IntList out = new IntList();
        if (addSpecial && vocab.addBos) out.add(vocab.bos);
        if (vocab.kind == Vocabulary.Kind.SPM) {
            boolean afterSpecial = true; // the first text gets the leading space, as does text after a special token
            for (var f : fragments) {
                if (!f.isRaw()) {
                    out.add(f.token());
                    afterSpecial = true;
                    continue;
                }
                String text = input.substring(f.offset(), f.end());
                if (vocab.addSpacePrefix && afterSpecial) text = " " + text;
                SpmEncoder.encode(vocab, text.replace(" ", SPM_SPACE), out);
                afterSpecial = false;
            }
        } else {
            var bpe = new BpeEncoder(vocab);
            for (var f : fragments) {
                if (f.isRaw()) {
                    bpe.encode(input.substring(f.offset(), f.end()), out);
                } else {
                    out.add(f.token());
                }
            }
        }
        if (addSpecial && vocab.addEos) out.add(vocab.eos);
        return out.toArray();
    }

    /**
     * The bytes token {@code id} stands for ({@code llama_token_to_piece} without stripping): control and unknown
     * tokens are empty unless {@code renderSpecial}; byte tokens are their byte, which may be part of a character.
     */
    public byte[] piece(int id, boolean renderSpecial) {
        if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " is outside the "
                + "vocabulary (0.." + (vocab.size() - 1) + ")");
        int attr = vocab.attr(id);
        if (!renderSpecial && (attr & (TokenAttr.UNKNOWN | TokenAttr.CONTROL)) != 0) return new byte[0];
        String text = vocab.rawText(id);
        if ((attr & (TokenAttr.UNKNOWN | TokenAttr.CONTROL | TokenAttr.USER_DEFINED)) != 0) return ByteString.bytes(text);
        if ((attr & TokenAttr.NORMAL) != 0) {
            return vocab.kind == Vocabulary.Kind.SPM
                    ? ByteString.bytes(text.replace(SPM_SPACE, " "))
                    : gpt2Bytes(text);
        }
        if ((attr & TokenAttr.BYTE) != 0) return new byte[] {(byte) vocab.tokenByte(id)};
        return new byte[0];
    }

    /** A GPT-2 token's stand-in characters back to the bytes they encode. */
    private static byte[] gpt2Bytes(String tokenBytes) {
        var out = new ByteArrayOutputStream(tokenBytes.length());
        String text = new String(ByteString.bytes(tokenBytes), StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int b = ByteUnicode.byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                // Not a stand-in character: llama.cpp writes a visible marker rather than failing.
                out.writeBytes(("[UNK_BYTE_0x" + hex(Character.toString(cp)) + text + "]").getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }

    private static String hex(String s) {
        var sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", b & 0xFF));
        return sb.toString();
    }

    /**
     * Token ids back to text like {@code common_detokenize}: the first token loses the space SentencePiece put in
     * front of the text, BPE vocabularies get the Hugging Face clean-up of spaces before punctuation, and bytes that
     * are not valid UTF-8 become U+FFFD.
     */
    public String decode(int[] ids, boolean renderSpecial) {
        var out = new ByteArrayOutputStream();
        boolean stripSpace = vocab.addSpacePrefix;
        for (int id : ids) {
            byte[] piece = piece(id, renderSpecial);
            int skip = stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
            stripSpace = false;
        }
        byte[] bytes = out.toByteArray();
        if (vocab.cleanSpaces) bytes = SpaceCleanup.apply(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A decoder for a stream of generated tokens, emitting text only once its characters are complete. */
    public StreamDecoder streamDecoder(boolean renderSpecial) {
        return new StreamDecoder(this, renderSpecial);
    }

    @Override
    public String toString() { return "Tokenizer[" + vocab + "]"; }
}
