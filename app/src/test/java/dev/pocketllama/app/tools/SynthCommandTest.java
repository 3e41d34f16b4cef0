package dev.pocketllama.app.tools;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
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
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** synth at a toy shape (dim 256, so the K-quants' 256-blocks fit) with the stories vocabulary. */
class SynthCommandTest {
    private static final String VOCAB = "../shared/models/stories260K.gguf";
    private static final String SHAPE = "256,512,2,4,2";

    @TempDir
    Path dir;

    private Path synth(String type, long seed) {
        Path out = dir.resolve("synth-" + type + "-" + seed + ".gguf");
        ToolRun r = ToolRun.of("synth", "--custom-shape", SHAPE, "--vocab", VOCAB, "--type", type, "--out", out.toString(),
                "--seed", Long.toString(seed));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("100%"), "progress bar: " + r.err());
        assertTrue(r.out().startsWith("wrote " + out), r.out());
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q4_0", "Q8_0", "F16", "Q4_K_M"})
    void aSynthesizedModelLoadsAndGeneratesInOurEngine(String type) {
        Path out = synth(type, 1);
        try (LlamaModel model = LlamaModel.load(out, LoadProgressListener.NONE); KernelPool pool = new KernelPool(1)) {
            assertEquals(512, model.config().vocabSize());
            assertEquals(2, model.config().layers());
            assertEquals(4, model.config().heads());
            assertEquals(2, model.config().kvHeads());
            Transformer t = new Transformer(model, pool);
            Sequence s = t.newSequence(16);
            int token = 1;
            for (int i = 0; i < 8; i++) {
                float[] logits = t.forward(s, token);
                for (float v : logits) assertTrue(Float.isFinite(v), "finite logits");
                token = argmax(logits);
            }
        }
    }

    /** Q4_K_M as llama.cpp mixes it: Q6_K for the output and, of 2 layers, layer 1's attn_v and ffn_down. */
    @Test
    void q4_K_MHasLlamaCppsMixAndTheVocabularyAndShapeMetadata() {
        Path out = synth("Q4_K_M", 1);
        try (GgufFile f = GgufFile.open(out)) {
            Map<String, GgmlType> types = new TreeMap<>();
            for (GgufTensorInfo t : f.tensors()) types.put(t.name(), t.type());
            assertEquals(GgmlType.Q6_K, types.get("output.weight"));
            assertEquals(GgmlType.Q4_K, types.get("token_embd.weight"));
            assertEquals(GgmlType.F32, types.get("output_norm.weight"));
            assertEquals(GgmlType.Q4_K, types.get("blk.0.attn_v.weight"));
            assertEquals(GgmlType.Q6_K, types.get("blk.1.attn_v.weight"));
            assertEquals(GgmlType.Q4_K, types.get("blk.0.ffn_down.weight"));
            assertEquals(GgmlType.Q6_K, types.get("blk.1.ffn_down.weight"));
            assertEquals(GgmlType.Q4_K, types.get("blk.1.ffn_up.weight"));
            assertEquals(15, f.metadata().getInt("general.file_type"));
            assertEquals("llama", f.metadata().getString("tokenizer.ggml.model"));
            assertEquals(512, f.metadata().getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(256, f.metadata().getInt("llama.embedding_length"));
            assertEquals(64, f.metadata().getInt("llama.rope.dimension_count"));
            assertEquals("token_embd.weight", f.tensors().get(2).name(), "llama.cpp's order: output, output_norm, token_embd, blk.0...");
        }
    }

    @Test
    void theSeedDecidesTheWeights() throws IOException {
        byte[] a = Files.readAllBytes(synth("Q8_0", 5));
        assertArrayEquals(a, Files.readAllBytes(synth("Q8_0", 5)));
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(synth("Q8_0", 6))));
    }

    @Test
    void badShapesAndVocabulariesAreClearErrors() {
        ToolRun unknown = ToolRun.of("synth", "--shape", "gpt-5", "--vocab", VOCAB, "--type", "Q4_0", "--out", dir.resolve("x").toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown shape 'gpt-5' (known: tinyllama-1.1b, llama-110m, llama-3.2-1b)"), unknown.err());
        ToolRun noVocab = ToolRun.of("synth", "--custom-shape", SHAPE, "--vocab", "../shared/models/quant-fixture.gguf",
                "--type", "Q4_0", "--out", dir.resolve("x").toString());
        assertEquals(1, noVocab.exitCode());
        assertTrue(noVocab.err().contains("has no tokenizer.ggml.tokens"), noVocab.err());
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
