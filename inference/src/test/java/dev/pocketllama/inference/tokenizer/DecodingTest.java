package dev.pocketllama.inference.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids back to text: llama.cpp's piece rules, and streaming that never shows half a character. */
class DecodingTest {

    @Test
    void sentencePieceDecodingDropsTheLeadingSpaceItAddedButKeepsTheRest() {
        Tokenizer t = VocabFixtures.llamaSpm();
        for (String text : List.of("Hello world", " Hello world", "Hello\n\nworld", "  two spaces", "emoji 😀👍🏽 🦙",
                "日本語のテキスト", "Ünïcödé: naïve café")) {
            assertEquals(text, t.decode(t.encode(text, false, false), false), text);
        }
    }

    @Test
    void afterBosTheFirstWordKeepsItsSpaceAndSpecialTokensShowOnlyWhenAsked() {
        Tokenizer t = VocabFixtures.llamaSpm();
        int[] ids = t.encode("Hello world", true, true);
        assertEquals(1, ids[0]);
        // llama.cpp strips the leading space from the first piece only, and BOS is that first piece here.
        assertEquals(" Hello world", t.decode(ids, false));
        assertEquals("<s> Hello world", t.decode(ids, true));
        assertEquals("", new String(t.piece(2, false)));
        assertEquals("</s>", new String(t.piece(2, true)));
    }

    @Test
    void gpt2DecodingMapsBytesBackAndCleansSpacesBeforePunctuation() {
        Tokenizer t = VocabFixtures.gpt2();
        for (String text : List.of("Hello world", " Hello world", "emoji 😀👍🏽 🦙", "Привет, мир!", "don't won't")) {
            assertEquals(text, t.decode(t.encode(text, false, false), false), text);
        }
        // " ," and " 's" lose their space, as in the Hugging Face clean-up llama.cpp applies to gpt2 vocabularies.
        assertEquals("Hello, it's", t.decode(t.encode("Hello , it 's", false, false), false));
    }

    @Test
    void aStreamedEmojiAppearsWholeOnceItsLastByteArrives() {
        Tokenizer t = VocabFixtures.llamaSpm();
        int[] ids = t.encode("a 🦙!", false, false);
        StreamDecoder stream = t.streamDecoder(false);
        List<String> chunks = new ArrayList<>();
        for (int id : ids) chunks.add(stream.push(id));
        chunks.add(stream.finish());
        assertEquals(" a 🦙!", String.join("", chunks));
        assertTrue(chunks.contains(" 🦙") || chunks.contains("🦙"), chunks.toString());
        assertFalse(String.join("", chunks).contains("\uFFFD"));
        long empty = chunks.stream().filter(String::isEmpty).count();
        assertTrue(empty >= 3, "the emoji's first three byte tokens produce no text: " + chunks);
    }

    @Test
    void bytesThatCanNeverFormACharacterComeOutAsReplacementCharacters() {
        Tokenizer t = VocabFixtures.llamaSpm();
        StreamDecoder stream = t.streamDecoder(false);
        int byteFF = t.tokenId("<0xFF>").orElseThrow();
        int byteF0 = t.tokenId("<0xF0>").orElseThrow();
        assertEquals("\uFFFD", stream.push(byteFF));
        assertEquals("", stream.push(byteF0));
        assertEquals("\uFFFD", stream.finish());
    }

    @Test
    void streamingTheGreedyStoriesReproducesLlamaCppsText() throws IOException {
        JsonNode root = new ObjectMapper().readTree(VocabFixtures.MODEL_DIR.resolve("stories260K-greedy.json").toFile());
        Tokenizer t = VocabFixtures.stories();
        for (JsonNode c : root.get("cases")) {
            StreamDecoder stream = t.streamDecoder(false);
            var text = new StringBuilder();
            StreamSupport.stream(c.get("generated_ids").spliterator(), false).forEach(id -> text.append(stream.push(id.asInt())));
            text.append(stream.finish());
            assertEquals(c.get("generated_text").asText(), text.toString(), c.get("prompt").asText());
        }
    }
}
