package dev.pocketllama.app.tools;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufMetadata;
import dev.pocketllama.inference.gguf.GgufValueType;
import dev.pocketllama.inference.gguf.GgufWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code pocketllama synth}: a LLaMA model of a real shape with small random weights and a real vocabulary, so speed
 * can be measured at realistic sizes without downloading a model (the values do not change the work). Rows are made,
 * quantized and written one at a time, so a 1 GB model never sits in memory.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a model of a real shape with random weights, for benchmarks.")
public final class SynthCommand implements Callable<Integer> {
    /** Uniform weights in ±this have a standard deviation of 0.02, the usual initialisation scale. */
    private static final float WEIGHT_RANGE = 0.0346f;

    @Option(names = "--shape", paramLabel = "SHAPE", description = "tinyllama-1.1b, llama-110m or llama-3.2-1b.")
    String shape;

    @Option(names = "--custom-shape", hidden = true, paramLabel = "DIM,FF,LAYERS,HEADS,KV_HEADS")
    String customShape;

    @Option(names = "--vocab", required = true, paramLabel = "FILE",
            description = "A GGUF (model or vocab-only) whose tokenizer.* metadata is copied, e.g. ggml-vocab-llama-spm.gguf.")
    Path vocab;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Q4_0, Q8_0, F16 or Q4_K_M.")
    FileType type;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    private final PrintStream stdout;
    private final PrintStream err;

    public SynthCommand() {
        this(System.out, System.err);
    }

    SynthCommand(PrintStream stdout, PrintStream err) {
        this.stdout = stdout;
        this.err = err;
    }

    @Override
    public Integer call() {
        ModelShape s;
        try {
            if ((shape == null) == (customShape == null)) throw new IllegalArgumentException("give --shape (one of "
                    + ModelShape.KNOWN.stream().map(ModelShape::name).toList() + ")");
            s = shape != null ? ModelShape.named(shape) : ModelShape.parse(customShape);
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            return 2;
        }
        try (GgufFile vocabFile = GgufFile.open(vocab)) {
            synthesize(s, vocabFile);
            return 0;
        } catch (ModelLoadException | UncheckedIOException | IllegalArgumentException e) {
            err.println();
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }

    private record Tensor(String name, long... shape) {
        long elements() { return Arrays.stream(shape).reduce(1, (a, b) -> a * b); }
    }

    private void synthesize(ModelShape s, GgufFile vocabFile) {
        if (!vocabFile.metadata().has("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException(vocab + " has no tokenizer.ggml.tokens; give a GGUF that carries a vocabulary");
        }
        int vocabSize = vocabFile.metadata().getStringArray("tokenizer.ggml.tokens").length;
        List<Tensor> tensors = tensors(s, vocabSize);
        TensorPlan plan = new TensorPlan(type, s.layers(), !s.tiedEmbeddings());
        List<GgufWriter.TensorSpec> specs = tensors.stream()
                .map(t -> new GgufWriter.TensorSpec(t.name(), plan.typeOf(t.name(), t.shape(), GgmlType.F32), t.shape()))
                .toList();
        long elements = tensors.stream().mapToLong(Tensor::elements).sum();
        ProgressBar progress = new ProgressBar(err, "synth " + out.getFileName(), elements);
        long bytes = 0;
        try (GgufWriter writer = GgufWriter.create(out, metadata(s, vocabFile, vocabSize), specs)) {
            TensorWriter rows = new TensorWriter(writer, progress);
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                bytes += writer.currentTensor().byteSize();
                int columns = (int) t.shape()[0];
                int rowCount = (int) (t.elements() / columns);
                if (t.shape().length == 1) {
                    rows.write(rowCount, columns, (r, row) -> Arrays.fill(row, 1f)); // norm weights
                } else {
                    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
                    rows.write(rowCount, columns, (r, row) -> {
                        for (int c = 0; c < row.length; c++) row[c] = (random.nextFloat() * 2 - 1) * WEIGHT_RANGE;
                    });
                }
            }
        }
        progress.finish();
        stdout.printf("wrote %s: %s %s, %.2f M parameters, %.2f MiB of weights%n", out, s.name(), type,
                elements / 1e6, bytes / 1048576.0);
    }

    /** Every tensor of the shape, shapes innermost first, in llama.cpp's order. */
    private static List<Tensor> tensors(ModelShape s, int vocabSize) {
        List<Tensor> t = new ArrayList<>();
        t.add(new Tensor("token_embd.weight", s.dim(), vocabSize));
        t.add(new Tensor("output_norm.weight", s.dim()));
        if (!s.tiedEmbeddings()) t.add(new Tensor("output.weight", s.dim(), vocabSize));
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            t.add(new Tensor(p + "attn_norm.weight", s.dim()));
            t.add(new Tensor(p + "attn_q.weight", s.dim(), s.dim()));
            t.add(new Tensor(p + "attn_k.weight", s.dim(), s.kvDim()));
            t.add(new Tensor(p + "attn_v.weight", s.dim(), s.kvDim()));
            t.add(new Tensor(p + "attn_output.weight", s.dim(), s.dim()));
            t.add(new Tensor(p + "ffn_norm.weight", s.dim()));
            t.add(new Tensor(p + "ffn_gate.weight", s.dim(), s.ff()));
            t.add(new Tensor(p + "ffn_up.weight", s.dim(), s.ff()));
            t.add(new Tensor(p + "ffn_down.weight", s.ff(), s.dim()));
        }
        t.sort(Comparator.comparing(Tensor::name, TensorPlan.LLAMA_ORDER));
        return t;
    }

    private LinkedHashMap<String, GgufMetadata.Entry> metadata(ModelShape s, GgufFile vocabFile, int vocabSize) {
        var m = new LinkedHashMap<String, GgufMetadata.Entry>();
        m.put("general.architecture", new GgufMetadata.Entry(GgufValueType.STRING, "llama"));
        m.put("general.name", new GgufMetadata.Entry(GgufValueType.STRING, "synthetic " + s.name() + " (random weights)"));
        m.put("llama.vocab_size", u32(vocabSize));
        m.put("llama.context_length", u32(s.contextLength()));
        m.put("llama.embedding_length", u32(s.dim()));
        m.put("llama.feed_forward_length", u32(s.ff()));
        m.put("llama.block_count", u32(s.layers()));
        m.put("llama.attention.head_count", u32(s.heads()));
        m.put("llama.attention.head_count_kv", u32(s.kvHeads()));
        m.put("llama.rope.dimension_count", u32(s.headSize()));
        m.put("llama.rope.freq_base", new GgufMetadata.Entry(GgufValueType.FLOAT32, s.ropeFreqBase()));
        m.put("llama.attention.layer_norm_rms_epsilon", new GgufMetadata.Entry(GgufValueType.FLOAT32, 1e-5f));
        for (String key : vocabFile.metadata().keys()) {
            if (key.startsWith("tokenizer.")) m.put(key, vocabFile.metadata().find(key).orElseThrow());
        }
        if (type.quantized()) m.put("general.quantization_version", u32(2));
        m.put("general.file_type", u32(type.id));
        return m;
    }

    private static GgufMetadata.Entry u32(long value) { return new GgufMetadata.Entry(GgufValueType.UINT32, value); }
}
