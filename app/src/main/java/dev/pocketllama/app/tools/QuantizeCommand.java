package dev.pocketllama.app.tools;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufMetadata;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import dev.pocketllama.inference.gguf.GgufValueType;
import dev.pocketllama.inference.gguf.GgufWriter;
import dev.pocketllama.inference.tensor.WeightMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code pocketllama quantize}: an F32/F16 model to Q8_0, Q4_0 or Q4_K_M, as llama.cpp's llama-quantize does it
 * without an importance matrix: same tensor types, order and metadata, and the same bytes (the stories files are
 * compared in tests; a 110M F16 model to Q4_K_M and Q4_0 was compared by hand).
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize an F32 or F16 GGUF model, as llama.cpp's llama-quantize does.")
public final class QuantizeCommand implements Callable<Integer> {
    private static final EnumSet<GgmlType> FLOAT_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The F32 or F16 GGUF model.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the quantized model.")
    Path out;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Q8_0, Q4_0 or Q4_K_M.")
    FileType type;

    private final PrintStream stdout;
    private final PrintStream err;

    public QuantizeCommand() {
        this(System.out, System.err);
    }

    QuantizeCommand(PrintStream stdout, PrintStream err) {
        this.stdout = stdout;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!type.quantized()) {
            err.println("Error: --type " + type + " is not a quantized type; use Q8_0, Q4_0 or Q4_K_M");
            return 2;
        }
        try (GgufFile source = GgufFile.open(in)) {
            if (Files.exists(out) && Files.isSameFile(in, out)) {
                err.println("Error: --out is the input file " + in + "; write the quantized model to a new file");
                return 2;
            }
            for (GgufTensorInfo t : source.tensors()) {
                if (!FLOAT_TYPES.contains(t.type())) {
                    err.println("Error: " + in + " is already quantized (tensor '" + t.name() + "' is " + t.type()
                            + "); quantize from the F32 or F16 model");
                    return 1;
                }
            }
            quantize(source);
            return 0;
        } catch (ModelLoadException | UncheckedIOException | IllegalArgumentException e) {
            err.println();
            err.println("Error: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("Error: cannot read " + in + " or " + out + " (" + e.getMessage() + ")");
            return 1;
        }
    }

    private void quantize(GgufFile source) {
        List<GgufTensorInfo> tensors = new ArrayList<>(source.tensors());
        tensors.sort((a, b) -> TensorPlan.LLAMA_ORDER.compare(a.name(), b.name()));
        int layers = tensors.stream().mapToInt(t -> TensorPlan.layer(t.name()) + 1).max().orElse(0);
        TensorPlan plan = new TensorPlan(type, layers, source.findTensor("output.weight").isPresent());
        List<GgufWriter.TensorSpec> specs = tensors.stream()
                .map(t -> new GgufWriter.TensorSpec(t.name(), plan.typeOf(t.name(), t.shape(), t.type()), t.shape()))
                .toList();
        long elements = tensors.stream().mapToLong(GgufTensorInfo::elementCount).sum();
        ProgressBar progress = new ProgressBar(err, "quantize " + out.getFileName(), elements);
        try (GgufWriter writer = GgufWriter.create(out, metadata(source, type), specs)) {
            TensorWriter rows = new TensorWriter(writer, progress);
            for (GgufTensorInfo t : tensors) {
                if (writer.currentTensor().type() == t.type()) {
                    writer.write(source.data(t).asByteBuffer());
                    progress.advance(t.elementCount());
                } else {
                    WeightMatrix m = WeightMatrix.of(t, source.data(t), in.toString());
                    rows.write(m.rows(), m.columns(), (r, row) -> m.dequantizeRow(r, row, 0));
                }
            }
        }
        progress.finish();
        stdout.println(summary(specs, source.fileSize()));
    }

    /** The input's metadata with llama-quantize's two keys replaced at the end. */
    static LinkedHashMap<String, GgufMetadata.Entry> metadata(GgufFile source, FileType type) {
        var metadata = new LinkedHashMap<String, GgufMetadata.Entry>();
        source.metadata().keys().forEach(k -> metadata.put(k, source.metadata().find(k).orElseThrow()));
        setLast(metadata, "general.quantization_version", new GgufMetadata.Entry(GgufValueType.UINT32, 2L));
        setLast(metadata, "general.file_type", new GgufMetadata.Entry(GgufValueType.UINT32, (long) type.id));
        return metadata;
    }

    /** As gguf_set_val does: a key already present moves to the end. */
    private static void setLast(Map<String, GgufMetadata.Entry> metadata, String key, GgufMetadata.Entry value) {
        metadata.remove(key);
        metadata.put(key, value);
    }

    private String summary(List<GgufWriter.TensorSpec> specs, long inputBytes) {
        var counts = new TreeMap<String, Integer>();
        long bytes = 0;
        for (GgufWriter.TensorSpec s : specs) {
            counts.merge(s.type().name(), 1, Integer::sum);
            bytes += s.byteSize();
        }
        return String.format("wrote %s: %d tensors (%s), %.2f MiB of weights from a %.2f MiB file", out, specs.size(),
                counts.toString().replaceAll("[{}]", "").replace("=", " "), bytes / 1048576.0, inputBytes / 1048576.0);
    }
}
