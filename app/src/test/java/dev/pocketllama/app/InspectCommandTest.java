package dev.pocketllama.app;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest {

    @Test
    void showsHeaderAbbreviatedMetadataTensorsQuantMixAndVerdict() {
        CliRun run = CliRun.of("inspect", "--model", "../shared/models/stories260K-Q8_0.gguf");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("GGUF version 3, alignment 32, 21 metadata keys, 48 tensors"), out);
        assertTrue(out.contains("tokenizer.ggml.tokens (ARRAY of 512 STRING) = [\"<unk>\", \"<s>\", \"</s>\""), out);
        assertTrue(out.contains("... 504 more]"), out);
        assertTrue(out.contains("llama.block_count (UINT32) = 5"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+blk\\.0\\.ffn_down\\.weight\\s+F16\\s+\\[172, 64]\\s+22,016 bytes")), out);
        assertTrue(out.contains("quantization: Q8_0 "), out);
        assertTrue(out.contains("bits ("), out);
        assertTrue(out.contains("engine: can run it: llama, dim 64, 5 layers, 8 heads (4 KV heads, head size 8), feed-forward 172, vocabulary 512"), out);
    }

    @Test
    void saysWhyTheEngineCannotRunAFile() {
        CliRun run = CliRun.of("inspect", "-m", "../shared/models/quant-fixture.gguf");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("engine: cannot run it: "), run.out());
    }

    @Test
    void vocabularyOnlyFiles() {
        CliRun run = CliRun.of("inspect", "-m", "../shared/vocab/ggml-vocab-phi-3.gguf");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("engine: vocabulary only (no tensors): usable for tokenizing"), run.out());
    }

    @Test
    void aBrokenFileIsAnErrorNamingIt() {
        CliRun run = CliRun.of("inspect", "-m", "../shared/models/README.md");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("README.md: not a GGUF file"), run.err());
    }
}
