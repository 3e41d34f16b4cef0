package dev.pocketllama.inference.tokenizer;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgufArray;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's vocabulary as llama.cpp loads it from GGUF metadata ({@code tokenizer.ggml.*}): token texts, scores and
 * attributes, BPE merge ranks, the special ids, and the flags that steer tokenization (add BOS, leading space...).
 * Token texts are kept as {@link ByteString}s so every lookup is on exact UTF-8 bytes.
 */
public final class Vocabulary {

    /** The two tokenizer algorithms: SentencePiece-style ({@code llama}) and GPT-2 byte-level BPE ({@code gpt2}). */
    public enum Kind { SPM, BPE }

    static final int NONE = -1;

    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>");
    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "<end_of_utterance>");

    final Kind kind;
    final PreTokenizer preTokenizer;
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> idByText;
    private final Map<String, Integer> mergeRanks;
    final int bos;
    final int eos;
    final int unk;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    final boolean cleanSpaces;
    final boolean ignoreMerges;
    private final Set<Integer> endOfGeneration;
    /** Control, user-defined and unknown tokens, longest text first: the order special-token parsing tries them. */
    final int[] specialTextTokens;

    private Vocabulary(Map<String, Object> md, String source) {
        Metadata m = new Metadata(md, source);
        String model = m.string("tokenizer.ggml.model", null);
        if (model == null) throw m.problem("metadata key 'tokenizer.ggml.model' is missing; the file has no tokenizer");
        String pre = m.string("tokenizer.ggml.pre", "");
        int bosId = 1;
        int eosId = 2;
        boolean wantBos;
        boolean spacePrefix;
        String[] mergeLines = new String[0];
        switch (model) {
            case "llama" -> {
                kind = Kind.SPM;
                preTokenizer = null;
                spacePrefix = true;
                wantBos = true;
                cleanSpaces = false;
                ignoreMerges = false;
            }
            case "gpt2" -> {
                kind = Kind.BPE;
                mergeLines = m.strings("tokenizer.ggml.merges");
                if (mergeLines == null) throw m.problem("metadata key 'tokenizer.ggml.merges' is missing; "
                        + "a gpt2 (byte-level BPE) vocabulary needs its merges");
                preTokenizer = PreTokenizer.forName(pre, source);
                spacePrefix = false;
                wantBos = preTokenizer.addsBos();
                cleanSpaces = preTokenizer.cleansSpaces();
                ignoreMerges = preTokenizer.ignoresMerges();
            }
            default -> throw m.problem("tokenizer model '" + model + "' is not supported (supported: llama, gpt2)");
        }
        spacePrefix = m.bool("tokenizer.ggml.add_space_prefix", spacePrefix);

        String[] list = m.strings("tokenizer.ggml.tokens");
        if (list == null) throw m.problem("metadata key 'tokenizer.ggml.tokens' is missing; the file has no vocabulary");
        int n = list.length;
        float[] scoreList = m.floats("tokenizer.ggml.scores");
        if (scoreList != null && scoreList.length < n) {
            throw m.problem("tokenizer.ggml.scores has " + scoreList.length + " entries for " + n + " tokens");
        }
        int[] types = m.ints("tokenizer.ggml.token_type");
        if (types != null && types.length < n) {
            throw m.problem("tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
        }
        texts = new String[n];
        scores = new float[n];
        attrs = new int[n];
        idByText = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            String word = list[i].isEmpty() ? "[EMPTY_" + i + "]" : list[i];
            texts[i] = ByteString.ofUtf8(word);
            idByText.put(texts[i], i);
            scores[i] = scoreList == null ? 0f : scoreList[i];
            attrs[i] = types == null ? TokenAttr.NORMAL : TokenAttr.fromGgufType(types[i]);
        }
        mergeRanks = HashMap.newHashMap(mergeLines.length);
        for (int rank = 0; rank < mergeLines.length; rank++) {
            String line = ByteString.ofUtf8(mergeLines[rank]);
            int space = line.indexOf(' ', 1);
            mergeRanks.putIfAbsent(space < 0 ? " " : line, rank);
        }

        bos = m.tokenId("tokenizer.ggml.bos_token_id", bosId, n);
        eos = m.tokenId("tokenizer.ggml.eos_token_id", eosId, n);
        unk = m.tokenId("tokenizer.ggml.unknown_token_id", 0, n);
        int eotId = m.tokenId("tokenizer.ggml.eot_token_id", NONE, n);
        int eomId = m.tokenId("tokenizer.ggml.eom_token_id", NONE, n);
        addBos = m.bool("tokenizer.ggml.add_bos_token", wantBos);
        addEos = m.bool("tokenizer.ggml.add_eos_token", false);
        addSpacePrefix = spacePrefix;

        // llama.cpp recognises end-of-turn tokens by their text, as converters rarely record them.
        var eog = new TreeSet<Integer>();
        for (int i = 0; i < n; i++) {
            String text = list[i];
            if (eotId == NONE && EOT_TEXTS.contains(text)) eotId = i;
            if (eomId == NONE && text.equals("<|eom_id|>")) eomId = i;
            if (EOG_TEXTS.contains(text)) {
                eog.add(i);
                attrs[i] |= TokenAttr.CONTROL;
            }
        }
        for (int id : new int[] {eos, eotId, eomId}) if (id != NONE) eog.add(id);
        endOfGeneration = Set.copyOf(eog);

        var special = new ArrayList<Integer>();
        for (int i = 0; i < n; i++) if ((attrs[i] & TokenAttr.SPECIAL_TEXT) != 0) special.add(i);
        special.sort(Comparator.comparingInt((Integer id) -> texts[id].length()).reversed());
        specialTextTokens = special.stream().mapToInt(Integer::intValue).toArray();

        String name = m.string("general.name", "").toLowerCase(Locale.ROOT);
        if (name.contains("phi-3") || name.contains("phi3")) stripAroundPhi3Specials();
    }

    /** Loads the vocabulary of a GGUF file (model or vocab-only), with llama.cpp's defaults for missing keys. */
    public static Vocabulary from(GgufFile file) {
        return new Vocabulary(tokenizerMetadata(file), file.path().toString());
    }

    /** The file's {@code tokenizer.ggml.*} keys and {@code general.name}, in the form {@link #fromMetadata} takes. */
    public static Map<String, Object> tokenizerMetadata(GgufFile file) {
        GgufMetadata md = file.metadata();
        Map<String, Object> values = new HashMap<>();
        for (String key : md.keys()) {
            if (!key.startsWith("tokenizer.ggml.") && !key.equals("general.name")) continue;
            Object value = md.find(key).orElseThrow().value();
            if (value instanceof GgufArray array) {
                value = array.values() instanceof long[] && key.equals("tokenizer.ggml.token_type")
                        ? md.getIntArray(key) : array.values();
            }
            values.put(key, value);
        }
        return values;
    }

    /** Loads the vocabulary from GGUF-style metadata (keys as in the file; arrays as String[], float[] or int[]). */
    public static Vocabulary fromMetadata(Map<String, Object> metadata, String source) {
        return new Vocabulary(metadata, source);
    }

    /** Phi-3's special tokens swallow the whitespace after them, as its Hugging Face tokenizer does. */
    private void stripAroundPhi3Specials() {
        for (int id : specialTextTokens) attrs[id] |= TokenAttr.RSTRIP;
        setStrip("</s>", true);
        for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) setStrip(text, false);
    }

    private void setStrip(String text, boolean on) {
        Integer id = idByText.get(text);
        if (id == null) return;
        attrs[id] = on ? attrs[id] | TokenAttr.RSTRIP : attrs[id] & ~TokenAttr.RSTRIP;
    }

    public Kind kind() { return kind; }

    public int size() { return texts.length; }

    /** The token's text as stored in the vocabulary, e.g. {@code ▁Hello} or {@code <0x0A>}. */
    public String text(int id) {
        return new String(ByteString.bytes(texts[id]), StandardCharsets.UTF_8);
    }

    String rawText(int id) { return texts[id]; }

    float score(int id) { return scores[id]; }

    int attr(int id) { return attrs[id]; }

    boolean has(int id, int attr) { return (attrs[id] & attr) != 0; }

    /** The id of a token whose bytes are exactly {@code byteString}, or {@link #NONE}. */
    int id(String byteString) {
        Integer id = idByText.get(byteString);
        return id == null ? NONE : id;
    }

    /** Whether {@code id} ends generation: EOS, end-of-turn and the other end tokens llama.cpp recognises. */
    public boolean isEndOfGeneration(int id) { return endOfGeneration.contains(id); }

    public Set<Integer> endOfGenerationIds() { return endOfGeneration; }

    /** The rank of merging {@code left} and {@code right} (byte strings), or -1 when the pair never merges. */
    int mergeRank(String left, String right) {
        Integer rank = mergeRanks.get(left + " " + right);
        return rank == null ? -1 : rank;
    }

    /** The token for one raw byte: {@code <0xAB>} in SentencePiece vocabularies, the mapped character in GPT-2 ones. */
    int byteToken(int b) {
        if (kind == Kind.SPM) {
            int id = id(String.format("<0x%02X>", b & 0xFF));
            if (id != NONE) return id;
            id = id(String.valueOf((char) (b & 0xFF)));
            // llama.cpp aborts here; a vocabulary without byte tokens gets the unknown token instead.
            return id != NONE ? id : unk;
        }
        return id(ByteString.ofUtf8(ByteUnicode.charOf(b & 0xFF)));
    }

    /** The byte a {@code <0xAB>} byte token stands for. */
    int tokenByte(int id) {
        return Integer.parseInt(texts[id].substring(3, 5), 16);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + kind + ", " + texts.length + " tokens, bos=" + bos + ", eos=" + eos + ", addBos=" + addBos
                + ", eog=" + endOfGeneration + "]";
    }

    /** Typed reads of the metadata map with errors naming the source and key. */
    private record Metadata(Map<String, Object> values, String source) {
        ModelLoadException problem(String detail) {
            return new ModelLoadException("model file " + source + ": " + detail);
        }

        String string(String key, String fallback) {
            Object v = values.get(key);
            if (v == null) return fallback;
            if (v instanceof String s) return s;
            throw problem("metadata key '" + key + "' should be a string, is " + v.getClass().getSimpleName());
        }

        boolean bool(String key, boolean fallback) {
            Object v = values.get(key);
            if (v == null) return fallback;
            if (v instanceof Boolean b) return b;
            throw problem("metadata key '" + key + "' should be a boolean, is " + v.getClass().getSimpleName());
        }

        /** A special token id; like llama.cpp, an id outside the vocabulary keeps the default (with a warning). */
        int tokenId(String key, int fallback, int vocabSize) {
            Object v = values.get(key);
            if (v == null) return fallback;
            if (!(v instanceof Number num)) throw problem("metadata key '" + key + "' should be an integer");
            long id = num.longValue();
            if (id < 0 || id >= vocabSize) {
                System.getLogger(Vocabulary.class.getName()).log(System.Logger.Level.DEBUG,
                        "{0}: {1} = {2} is outside the vocabulary; using {3}", source, key, id, fallback);
                return fallback;
            }
            return (int) id;
        }

        String[] strings(String key) {
            Object v = values.get(key);
            if (v == null) return null;
            if (v instanceof String[] a) return a;
            throw problem("metadata key '" + key + "' should be an array of strings");
        }

        float[] floats(String key) {
            Object v = values.get(key);
            if (v == null) return null;
            if (v instanceof float[] a) return a;
            throw problem("metadata key '" + key + "' should be an array of FLOAT32 values");
        }

        int[] ints(String key) {
            Object v = values.get(key);
            if (v == null) return null;
            if (v instanceof int[] a) return a;
            throw problem("metadata key '" + key + "' should be an array of integers");
        }
    }
}
