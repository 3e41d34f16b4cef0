package dev.pocketllama.app;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgufArray;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufMetadata;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import dev.pocketllama.inference.gguf.QuantMix;
import dev.pocketllama.inference.llama.LlamaConfig;
import dev.pocketllama.inference.llama.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@code inspect}: what a GGUF file holds, and whether (or why not) the engine can run it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's header, metadata, tensors and quantization, and what the engine would do with it.")
final class InspectCommand implements Callable<Integer> {
    private static final int ARRAY_PREVIEW = 8;
    private static final int STRING_PREVIEW = 120;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "GGUF file")
    Path model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (GgufFile file = GgufFile.open(model)) {
            printHeader(out, file);
            printMetadata(out, file.metadata());
            printTensors(out, file);
            out.println("engine: " + verdict(file));
            out.flush();
            return 0;
        } catch (ModelLoadException e) {
            spec.commandLine().getErr().println("inspect: " + e.getMessage());
            return 1;
        }
    }

    private static void printHeader(PrintWriter out, GgufFile file) {
        out.printf("file: %s (%,d bytes)%n", file.path(), file.fileSize());
        out.printf("GGUF version %d, alignment %d, %d metadata keys, %d tensors, tensor data at offset %,d%n",
                file.version(), file.alignment(), file.metadata().keys().size(), file.tensors().size(), file.dataOffset());
    }

    private static void printMetadata(PrintWriter out, GgufMetadata metadata) {
        out.println();
        out.println("metadata:");
        for (String key : metadata.keys()) {
            GgufMetadata.Entry e = metadata.find(key).orElseThrow();
            out.printf("  %s (%s) = %s%n", key, typeName(e), show(e.value()));
        }
    }

    private static String typeName(GgufMetadata.Entry e) {
        return e.value() instanceof GgufArray a ? "ARRAY of " + a.length() + " " + a.elementType() : e.type().toString();
    }

    static String show(Object value) {
        if (value instanceof GgufArray a) {
            String items = IntStream.range(0, Math.min(a.length(), ARRAY_PREVIEW)).mapToObj(i -> show(a.get(i)))
                    .collect(Collectors.joining(", "));
            return "[" + items + (a.length() > ARRAY_PREVIEW ? ", ... " + (a.length() - ARRAY_PREVIEW) + " more" : "") + "]";
        }
        if (value instanceof String s) {
            String escaped = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
            return "\"" + (escaped.length() > STRING_PREVIEW ? escaped.substring(0, STRING_PREVIEW) + "...\" ("
                    + s.length() + " chars)" : escaped + "\"");
        }
        return String.valueOf(value);
    }

    private static void printTensors(PrintWriter out, GgufFile file) {
        out.println();
        out.println("tensors:");
        for (GgufTensorInfo t : file.tensors()) {
            out.printf("  %-32s %-6s %-16s %,12d bytes%n", t.name(), t.type(), t.shapeText(), t.byteSize());
        }
        QuantMix mix = QuantMix.of(file.tensors());
        if (mix.parameters() > 0) {
            out.printf("quantization: %s; %,d weights in %,d bytes, %.2f bits (%.3f bytes) per weight%n",
                    mix.describe(), mix.parameters(), mix.bytes(), mix.bitsPerWeight(), mix.bitsPerWeight() / 8);
        }
        out.println();
    }

    /** Loads the model's structure (no weights are read) to say whether it would run, or why not. */
    static String verdict(GgufFile file) {
        if (file.tensors().isEmpty()) {
            return file.metadata().has("tokenizer.ggml.tokens")
                    ? "vocabulary only (no tensors): usable for tokenizing, not for generating"
                    : "no tensors and no vocabulary: nothing to run";
        }
        try {
            LlamaConfig c = LlamaModel.of(file).config();
            return "can run it: llama, dim %d, %d layers, %d heads (%d KV heads, head size %d), feed-forward %d, vocabulary %d, context %d, rope base %.0f over %d dims, rms eps %.1e"
                    .formatted(c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headSize(), c.hiddenDim(), c.vocabSize(),
                            c.contextLength(), c.ropeTheta(), c.ropeDimensions(), c.rmsEps());
        } catch (ModelLoadException e) {
            return "cannot run it: " + e.getMessage();
        }
    }
}
