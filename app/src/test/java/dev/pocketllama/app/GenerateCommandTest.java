package dev.pocketllama.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GenerateCommandTest {
    private static final String STORIES = "../shared/models/stories260K.gguf";

    private static JsonNode reference() throws Exception {
        return new ObjectMapper().readTree(new File("../shared/models/stories260K-greedy.json")).get("cases").get(0);
    }

    @Test
    void greedyPrintsTheStoryLlamaCppPrints() throws Exception {
        CliRun run = CliRun.of("generate", "--model", STORIES, "--prompt", "Once upon a time", "-n", "64", "--temp", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(reference().get("generated_text").asText() + "\n", run.out());
    }

    @Test
    void jsonEndsWithPromptIdsGeneratedIdsTextAndSpeeds() throws Exception {
        CliRun run = CliRun.of("generate", "-m", STORIES, "-p", "Once upon a time", "-n", "64", "--temp", "0", "--json");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.getLast());
        JsonNode expected = reference();
        assertEquals(expected.get("prompt_ids"), json.get("prompt_ids"), "BOS added as llama.cpp adds it");
        assertEquals(expected.get("generated_ids"), json.get("ids"));
        assertEquals(expected.get("generated_text").asText(), json.get("text").asText());
        assertTrue(json.get("tokens_per_second").asDouble() > 0);
        assertTrue(json.get("prompt_tokens_per_second").asDouble() > 0);
        assertTrue(run.out().startsWith(expected.get("generated_text").asText()), "the text streams before the JSON");
    }

    @Test
    void aSeedReproducesASampledRun() {
        String[] args = {"generate", "-m", STORIES, "-p", "The little dog", "-n", "20", "--temp", "1.0", "--seed", "7"};
        CliRun first = CliRun.of(args);
        assertEquals(first.out(), CliRun.of(args).out());
        assertFalse(first.out().isBlank());
    }

    @Test
    void aMissingModelIsNamed() {
        CliRun run = CliRun.of("generate", "-m", "../shared/models/none.gguf", "-p", "x", "--temp", "0");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("none.gguf: cannot read it"), run.err());
        assertEquals("", run.out());
    }
}
