package dev.pocketllama.inference.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * llama.cpp's own tokenizer test vectors (tests/test-tokenizer-0): each string of {@code <vocab>.gguf.inp} must
 * tokenize, without BOS and without special-token parsing, to the ids on the same line of {@code .out}.
 */
class LlamaCppVectorsTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @TestFactory
    Stream<DynamicTest> llamaSpm() throws IOException { return vectors("ggml-vocab-llama-spm.gguf"); }

    @TestFactory
    Stream<DynamicTest> phi3() throws IOException { return vectors("ggml-vocab-phi-3.gguf"); }

    @TestFactory
    Stream<DynamicTest> gpt2() throws IOException { return vectors("ggml-vocab-gpt-2.gguf"); }

    private static Stream<DynamicTest> vectors(String vocabFile) throws IOException {
        Path gguf = VocabFixtures.VOCAB_DIR.resolve(vocabFile);
        String inp = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split(SEPARATOR, -1)));
        // The file ends with a separator and a newline-free empty tail; llama.cpp drops that last empty entry.
        if (texts.getLast().isEmpty() || texts.getLast().equals("\n")) texts.removeLast();
        List<String> outs = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        assertEquals(texts.size(), outs.size(), vocabFile + ": .inp and .out disagree on the number of vectors");
        Tokenizer tokenizer = VocabFixtures.tokenizer(gguf);
        return java.util.stream.IntStream.range(0, texts.size()).mapToObj(i -> DynamicTest.dynamicTest(
                vocabFile + " #" + i + " " + printable(texts.get(i)), () -> {
                    int[] expected = outs.get(i).isBlank() ? new int[0]
                            : Arrays.stream(outs.get(i).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
                    assertArrayEquals(expected, tokenizer.encode(texts.get(i), false, false),
                            () -> "text " + printable(texts.get(i)));
                }));
    }

    static String printable(String s) {
        String shown = s.replace("\n", "\\n").replace("\t", "\\t");
        return "'" + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + "'";
    }
}
