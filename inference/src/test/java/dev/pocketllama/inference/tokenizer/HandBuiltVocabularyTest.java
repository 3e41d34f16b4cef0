package dev.pocketllama.inference.tokenizer;

import dev.pocketllama.inference.api.ModelLoadException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer rules on tiny vocabularies built by hand, where each rule decides the outcome on its own. */
class HandBuiltVocabularyTest {

    /** A SentencePiece vocabulary: 0 unk, 1 BOS, 2 EOS, 3..258 byte tokens, then {@code extra} (text, score, type). */
    private static Tokenizer spm(Map<String, Object> overrides, Object... extra) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6);
        }
        for (int i = 0; i < extra.length; i += 3) {
            tokens.add((String) extra[i]);
            scores.add(((Number) extra[i + 1]).floatValue());
            types.add((Integer) extra[i + 2]);
        }
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        md.put("tokenizer.ggml.scores", s);
        md.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
        md.putAll(overrides);
        return new Tokenizer(Vocabulary.fromMetadata(md, "hand-built.gguf"));
    }

    private static final int FIRST_EXTRA = 259;

    @Test
    void theHigherScoringPairMergesFirst() {
        // "ab" becomes "▁ab": ▁a and ab compete; there is no "▁ab", so the first merge decides the result.
        Tokenizer spaceFirst = spm(Map.of(), "▁", 0, 1, "a", 0, 1, "b", 0, 1, "▁a", -1, 1, "ab", -2, 1);
        assertArrayEquals(new int[] {FIRST_EXTRA + 3, FIRST_EXTRA + 2}, spaceFirst.encode("ab", false, false));
        Tokenizer pairFirst = spm(Map.of(), "▁", 0, 1, "a", 0, 1, "b", 0, 1, "▁a", -2, 1, "ab", -1, 1);
        assertArrayEquals(new int[] {FIRST_EXTRA, FIRST_EXTRA + 4}, pairFirst.encode("ab", false, false));
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToByteTokens() {
        Tokenizer t = spm(Map.of(), "▁", 0, 1);
        // é is C3 A9 in UTF-8; byte token <0xNN> has id 3 + NN.
        assertArrayEquals(new int[] {FIRST_EXTRA, 3 + 0xC3, 3 + 0xA9}, t.encode("é", false, false));
        assertEquals("é", t.decode(t.encode("é", false, false), false));
    }

    @Test
    void withoutByteTokensAnUnrepresentableCharacterBecomesTheUnknownToken() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", new String[] {"<unk>", "<s>", "</s>", "▁"});
        md.put("tokenizer.ggml.token_type", new int[] {2, 3, 3, 1});
        Tokenizer t = new Tokenizer(Vocabulary.fromMetadata(md, "no-bytes.gguf"));
        assertArrayEquals(new int[] {3, 0, 0}, t.encode("é", false, false));
    }

    @Test
    void bosIsAddedOnlyWhenTheVocabularyAsksForIt() {
        Tokenizer wantsBos = spm(Map.of(), "▁", 0, 1);
        assertArrayEquals(new int[] {1}, wantsBos.encode("", true, false));
        assertArrayEquals(new int[0], wantsBos.encode("", false, false));
        Tokenizer noBos = spm(Map.of("tokenizer.ggml.add_bos_token", false), "▁", 0, 1);
        assertArrayEquals(new int[] {FIRST_EXTRA, FIRST_EXTRA}, noBos.encode(" ", true, false));
        assertFalse(noBos.addsBos());
    }

    @Test
    void userDefinedTokensAreAlwaysSplitOutControlTokensOnlyWithSpecialParsing() {
        Tokenizer t = spm(Map.of(), "▁", 0, 1, "x", 0, 1, "<|user|>", 0, 4, "<ctl>", 0, 3);
        int space = FIRST_EXTRA;
        int x = FIRST_EXTRA + 1;
        int user = FIRST_EXTRA + 2;
        int ctl = FIRST_EXTRA + 3;
        assertArrayEquals(new int[] {space, x, user, space, x}, t.encode("x<|user|>x", false, false));
        assertArrayEquals(new int[] {space, x, ctl, space, x}, t.encode("x<ctl>x", false, true));
        int[] literal = t.encode("x<ctl>x", false, false);
        assertTrue(literal.length > 5 && java.util.Arrays.stream(literal).noneMatch(id -> id == ctl),
                "without special parsing <ctl> is spelled out: " + java.util.Arrays.toString(literal));
    }

    @Test
    void withoutALeadingSpaceRuleTheFirstWordKeepsItsBareForm() {
        Tokenizer t = spm(Map.of("tokenizer.ggml.add_space_prefix", false), "▁", 0, 1, "a", 0, 1);
        assertArrayEquals(new int[] {FIRST_EXTRA + 1}, t.encode("a", false, false));
    }

    @Test
    void bpeMergesByRankNotByOrderInTheWord() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "gpt-2");
        md.put("tokenizer.ggml.tokens", new String[] {"a", "b", "c", "ab", "bc"});
        md.put("tokenizer.ggml.merges", new String[] {"b c", "a b"});
        assertArrayEquals(new int[] {0, 4}, new Tokenizer(Vocabulary.fromMetadata(md, "t.gguf")).encode("abc", false, false));
        md.put("tokenizer.ggml.merges", new String[] {"a b", "b c"});
        assertArrayEquals(new int[] {3, 2}, new Tokenizer(Vocabulary.fromMetadata(md, "t.gguf")).encode("abc", false, false));
    }

    @Test
    void unsupportedTokenizersAreRejectedByName() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "klingon");
        md.put("tokenizer.ggml.tokens", new String[] {"a"});
        md.put("tokenizer.ggml.merges", new String[0]);
        var e = assertThrows(ModelLoadException.class, () -> Vocabulary.fromMetadata(md, "odd.gguf"));
        assertTrue(e.getMessage().contains("odd.gguf") && e.getMessage().contains("'klingon'")
                && e.getMessage().contains("llama-bpe"), e.getMessage());
        md.put("tokenizer.ggml.model", "bert");
        var bert = assertThrows(ModelLoadException.class, () -> Vocabulary.fromMetadata(md, "odd.gguf"));
        assertTrue(bert.getMessage().contains("'bert' is not supported"), bert.getMessage());
    }
}
