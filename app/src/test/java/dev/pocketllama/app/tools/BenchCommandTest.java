package dev.pocketllama.app.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** bench on stories260K with tiny tests: the table and the JSON have llama-bench's shape (speed is never asserted). */
class BenchCommandTest {
    private static final String MODEL = "../shared/models/stories260K-Q8_0.gguf";

    @Test
    void theMarkdownTableHasLlamaBenchsColumnsAndARowPerTest() {
        ToolRun r = ToolRun.of("bench", "-m", MODEL, "-t", "1", "-p", "8,16", "-n", "4", "-r", "2", "--weight-cache", "off");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("| model                          |       size |     params | backend    | threads |            test |                  t/s |", lines.get(0));
        assertEquals("| ------------------------------ | ---------: | ---------: | ---------- | ------: | --------------: | -------------------: |", lines.get(1));
        assertTrue(lines.get(2).matches("\\| llama \\?B Q8_0 +\\| +0\\.\\d\\d MiB \\| +0\\.\\d\\d M \\| Java +\\| +1 \\| +pp8 \\| +\\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|"), lines.get(2));
        assertTrue(lines.get(3).contains("pp16"), lines.get(3));
        assertTrue(lines.get(4).matches(".*\\| +tg4 \\| +\\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|"), lines.get(4));
        assertEquals("", lines.get(5));
        assertTrue(lines.get(6).startsWith("build: pocketllama"), lines.get(6));
        assertEquals(7, lines.size(), r.out());
    }

    @Test
    void jsonIsAnArrayWithLlamaBenchsFieldNames() throws Exception {
        ToolRun r = ToolRun.of("bench", "-m", MODEL, "-t", "1", "-p", "8", "-n", "4", "-r", "3", "-o", "json", "--weight-cache", "off");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode tests = new ObjectMapper().readTree(r.out());
        assertTrue(tests.isArray());
        assertEquals(2, tests.size());
        JsonNode pp = tests.get(0);
        assertEquals(8, pp.get("n_prompt").asInt());
        assertEquals(0, pp.get("n_gen").asInt());
        assertEquals(1, pp.get("n_threads").asInt());
        assertEquals("llama ?B Q8_0", pp.get("model_type").asText());
        assertEquals(tensorBytes(), pp.get("model_size").asLong(), "bytes of weights, as llama_model_size counts");
        assertTrue(pp.get("model_n_params").asLong() > 250_000, pp.toString());
        assertEquals(3, pp.get("samples_ns").size());
        assertEquals(3, pp.get("samples_ts").size());
        assertTrue(pp.get("avg_ts").asDouble() > 0);
        assertTrue(pp.get("stddev_ts").isNumber());
        JsonNode tg = tests.get(1);
        assertEquals(0, tg.get("n_prompt").asInt());
        assertEquals(4, tg.get("n_gen").asInt());
        for (String field : List.of("build_commit", "cpu_info", "backends", "model_filename", "avg_ns", "stddev_ns", "test_time")) {
            assertTrue(tg.has(field), field);
        }
    }

    @Test
    void aSecondRunMapsTheWeightsTheFirstSaved(@TempDir Path cache) {
        String[] args = {"bench", "-m", MODEL, "-t", "1", "-p", "8", "-n", "0", "-r", "1", "--weight-cache", cache.toString()};
        ToolRun first = ToolRun.of(args);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("loaded " + MODEL + " in "), first.err());
        assertFalse(first.err().contains("weights mapped from"), first.err());
        ToolRun second = ToolRun.of(args);
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.err().contains("(weights mapped from " + cache), second.err());
    }

    private static long tensorBytes() {
        try (var f = dev.pocketllama.inference.gguf.GgufFile.open(java.nio.file.Path.of(MODEL))) {
            return f.tensors().stream().mapToLong(t -> t.byteSize()).sum();
        }
    }

    @Test
    void badOptionsAreClearErrors() {
        ToolRun format = ToolRun.of("bench", "-m", MODEL, "-o", "csv");
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("-o csv is not a format; use md or json"), format.err());
        ToolRun missing = ToolRun.of("bench", "-m", "../shared/models/none.gguf");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("none.gguf"), missing.err());
    }
}
