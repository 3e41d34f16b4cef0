package dev.pocketllama.app.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** bench-batch on stories260K with tiny rounds: the first tokens, then one row per concurrency (speed is never asserted). */
class BatchBenchCommandTest {

    @Test
    void printsTheFirstTokensThenARowPerConcurrency() {
        ToolRun r = ToolRun.of("bench-batch", "-m", "../shared/models/stories260K.gguf", "-t", "1", "-c", "1,3", "-n", "6", "-r", "1");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("first token after the warm-up: \\d+ ms for the first request, \\d+-\\d+ ms for the next three"), lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("| sequences | tokens/s (all) | tokens/s (each) | runs |", lines.get(2));
        assertTrue(lines.get(4).matches("\\| +1 \\| +\\d+\\.\\d\\d \\| +\\d+\\.\\d\\d \\| +1 \\|"), lines.get(4));
        assertTrue(lines.get(5).matches("\\| +3 \\| +\\d+\\.\\d\\d \\| +\\d+\\.\\d\\d \\| +1 \\|"), lines.get(5));
        assertEquals(6, lines.size(), r.out());
    }

    @Test
    void refusesNonsense() {
        ToolRun r = ToolRun.of("bench-batch", "-m", "../shared/models/stories260K.gguf", "-c", "0");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("-c must be at least 1"), r.err());
    }
}
