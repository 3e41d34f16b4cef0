package dev.pocketllama.app.tools;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class QuantizeCommandTest {
    private static final Path MODELS = Path.of("../shared/models");

    @TempDir
    Path dir;

    /**
     * Quantizing the F32 stories model gives exactly the file llama.cpp's llama-quantize wrote: metadata, tensor
     * order and types (Q4_K_M falls back to Q5_0/Q8_0/F16 there), and every byte of data.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K_M"})
    void quantizingStoriesReproducesLlamaQuantizesFile(String type) throws IOException {
        Path out = dir.resolve("stories-" + type + ".gguf");
        ToolRun r = ToolRun.of("quantize", "--in", MODELS.resolve("stories260K.gguf").toString(), "--out", out.toString(),
                "--type", type);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": 48 tensors ("), r.out());
        assertTrue(r.err().contains("100%"), "progress bar on stderr: " + r.err());
        assertArrayEquals(Files.readAllBytes(MODELS.resolve("stories260K-" + type + ".gguf")), Files.readAllBytes(out));
    }

    @Test
    void theQuantizedModelLoadsAndGeneratesInOurEngine() {
        Path out = dir.resolve("stories-q4.gguf");
        assertEquals(0, ToolRun.of("quantize", "--in", MODELS.resolve("stories260K.gguf").toString(),
                "--out", out.toString(), "--type", "Q4_0").exitCode());
        // llama.cpp's greedy continuation of "Once upon a time" with its own Q4_0 file (stories260K-quant-greedy.json)
        List<Integer> expected = List.of(432, 383, 286, 261, 376, 298, 315, 421);
        try (LlamaModel model = LlamaModel.load(out, LoadProgressListener.NONE); KernelPool pool = new KernelPool(1)) {
            Transformer t = new Transformer(model, pool);
            Sequence s = t.newSequence(64);
            float[] logits = null;
            for (int id : new int[] {1, 403, 407, 261, 378}) logits = t.forward(s, id);
            List<Integer> generated = new ArrayList<>();
            while (generated.size() < expected.size()) {
                int next = argmax(logits);
                generated.add(next);
                logits = t.forward(s, next);
            }
            assertEquals(expected, generated);
        }
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    @Test
    void anAlreadyQuantizedInputIsRefusedWithTheFix() {
        ToolRun r = ToolRun.of("quantize", "--in", MODELS.resolve("stories260K-Q8_0.gguf").toString(),
                "--out", dir.resolve("x.gguf").toString(), "--type", "Q4_0");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("is already quantized (tensor 'output.weight' is Q8_0); quantize from the F32 or F16 model"), r.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void aMissingInputAndAnUnquantizedTypeAreClearErrors() {
        ToolRun missing = ToolRun.of("quantize", "--in", dir.resolve("nope.gguf").toString(), "--out", dir.resolve("x.gguf").toString(),
                "--type", "Q8_0");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope.gguf"), missing.err());
        ToolRun f16 = ToolRun.of("quantize", "--in", MODELS.resolve("stories260K.gguf").toString(), "--out", dir.resolve("x.gguf").toString(),
                "--type", "F16");
        assertEquals(2, f16.exitCode());
        assertTrue(f16.err().contains("use Q8_0, Q4_0 or Q4_K_M"), f16.err());
    }
}
