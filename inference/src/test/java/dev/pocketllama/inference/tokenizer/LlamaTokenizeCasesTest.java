package dev.pocketllama.inference.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Tricky strings tokenized by llama.cpp's {@code llama-tokenize} (see the files' notes): with BOS as the vocabulary
 * wants and special parsing, without BOS, without special parsing, and the vocabulary pieces of the last.
 */
class LlamaTokenizeCasesTest {

    @TestFactory
    Stream<DynamicTest> stories260K() throws IOException {
        return cases(VocabFixtures.MODEL_DIR.resolve("tokenize-stories260K.json"), VocabFixtures.stories());
    }

    @TestFactory
    Stream<DynamicTest> llamaSpm() throws IOException {
        return cases(VocabFixtures.VOCAB_DIR.resolve("tokenize-llama-spm.json"), VocabFixtures.llamaSpm());
    }

    @TestFactory
    Stream<DynamicTest> gpt2() throws IOException {
        return cases(VocabFixtures.VOCAB_DIR.resolve("tokenize-gpt-2.json"), VocabFixtures.gpt2());
    }

    private static Stream<DynamicTest> cases(Path json, Tokenizer tokenizer) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        return StreamSupport.stream(root.get("cases").spliterator(), false).map(c -> {
            byte[] text = HexFormat.of().parseHex(c.get("text_utf8_hex").asText());
            String name = json.getFileName() + " " + LlamaCppVectorsTest.printable(c.get("text").asText());
            return DynamicTest.dynamicTest(name, () -> {
                assertArrayEquals(ids(c, "ids_add_bos_parse_special"), tokenizer.encodeBytes(text, true, true), "BOS, special");
                assertArrayEquals(ids(c, "ids_no_bos_parse_special"), tokenizer.encodeBytes(text, false, true), "special");
                int[] plain = tokenizer.encodeBytes(text, false, false);
                assertArrayEquals(ids(c, "ids_no_bos_no_parse_special"), plain, "plain");
                String[] pieces = new String[plain.length];
                for (int i = 0; i < plain.length; i++) pieces[i] = tokenizer.vocabulary().text(plain[i]);
                String[] expectedPieces = StreamSupport.stream(c.get("pieces_no_bos_no_parse_special").spliterator(), false)
                        .map(JsonNode::asText).toArray(String[]::new);
                assertArrayEquals(expectedPieces, pieces, "pieces");
            });
        });
    }

    private static int[] ids(JsonNode c, String field) {
        return StreamSupport.stream(c.get(field).spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
