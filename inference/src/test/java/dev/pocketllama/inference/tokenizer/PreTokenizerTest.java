package dev.pocketllama.inference.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written GPT-2 and LLaMA 3 splitters against the original regexes run by java.util.regex with Unicode
 * classes, on llama.cpp's test strings and some more: both must cut every string into the same words.
 */
class PreTokenizerTest {
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern LLAMA3 = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private static List<String> samples() throws IOException {
        String inp = Files.readString(VocabFixtures.VOCAB_DIR.resolve("ggml-vocab-gpt-2.gguf.inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split("\n__ggml_vocab_test__\n")));
        texts.addAll(List.of("I'M HERE, YOU'RE THERE", "  leading\n\n  \ttrailing  ", "12345678 ١٢٣٤ ½",
                "mixed\r\n\r\nline ends\n", "tab\tand\u00A0nbsp and\u3000ideographic", "a  b   c    d", "'s'S'll 'LL",
                "emoji 😀👍🏽 🦙 and ZWJ 👨\u200d👩\u200d👧", "x = f(y) + 3.14;  // comment", "?!...,,, ;:"));
        return texts;
    }

    private static List<String> byRegex(Pattern p, String text) {
        List<String> words = new ArrayList<>();
        Matcher m = p.matcher(text);
        int done = 0;
        while (m.find()) {
            if (m.start() > done) words.add(text.substring(done, m.start()));
            words.add(m.group());
            done = m.end();
        }
        if (done < text.length()) words.add(text.substring(done));
        return words;
    }

    private static List<String> bySplitter(String pre, String text) {
        int[] cps = text.codePoints().toArray();
        IntList lengths = PreTokenizer.forName(pre, "test").split(cps);
        List<String> words = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < lengths.size(); i++) {
            words.add(new String(cps, from, lengths.get(i)));
            from += lengths.get(i);
        }
        return words;
    }

    @Test
    void gpt2SplitterAgreesWithTheGpt2Regex() throws IOException {
        for (String text : samples()) assertEquals(byRegex(GPT2, text), bySplitter("gpt-2", text), text);
    }

    @Test
    void llama3SplitterAgreesWithTheLlama3Regex() throws IOException {
        for (String text : samples()) assertEquals(byRegex(LLAMA3, text), bySplitter("llama-bpe", text), text);
    }

    @Test
    void digitsGoInThreesForLlama3AndOneByOneForQwen2() {
        assertEquals(List.of("123", "456", "7"), bySplitter("llama-bpe", "1234567"));
        assertEquals(List.of("1", "2", "3"), bySplitter("qwen2", "123"));
    }

    @Test
    void theDefaultPreTokenizerCutsPunctuationFirstAndNumbersIntoThrees() {
        // llama.cpp's "default" chain: [\p{P}$+<=>^~|]+, then the GPT-2 regex, then \p{N}+, then [0-9]{3}.
        assertEquals(List.of("a", "+", "b", "=", "123", "45", " x", "!!"), bySplitter("default", "a+b=12345 x!!"));
    }
}
