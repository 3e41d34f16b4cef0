package dev.pocketllama.app.tools;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufTensorInfo;

import java.util.EnumMap;
import java.util.Map;

/**
 * How llama-bench names a model, e.g. {@code llama 1B Q4_0}: architecture, llama.cpp's size class for the layer
 * count, and the file type from {@code general.file_type} (or "(guessed)" from the most common tensor type).
 * Matching its words lets the two tables be laid side by side.
 */
record ModelDescription(String type, long sizeBytes, long parameters) {
    private static final Map<Integer, String> FILE_TYPE_NAMES = Map.ofEntries(
            Map.entry(0, "all F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"), Map.entry(7, "Q8_0"),
            Map.entry(8, "Q5_0"), Map.entry(9, "Q5_1"), Map.entry(10, "Q2_K - Medium"), Map.entry(12, "Q3_K - Medium"),
            Map.entry(14, "Q4_K - Small"), Map.entry(15, "Q4_K - Medium"), Map.entry(16, "Q5_K - Small"),
            Map.entry(17, "Q5_K - Medium"), Map.entry(18, "Q6_K"), Map.entry(32, "BF16"));
    /** llama.cpp's guess of a file type from the most common tensor type. */
    private static final Map<GgmlType, Integer> GUESS = Map.of(GgmlType.F32, 0, GgmlType.F16, 1, GgmlType.BF16, 32,
            GgmlType.Q4_0, 2, GgmlType.Q4_1, 3, GgmlType.Q5_0, 8, GgmlType.Q5_1, 9, GgmlType.Q8_0, 7,
            GgmlType.Q4_K, 15, GgmlType.Q6_K, 18);

    static ModelDescription of(GgufFile file) {
        String arch = file.metadata().findString("general.architecture").orElse("unknown");
        int layers = file.metadata().getInt(arch + ".block_count", 0);
        int vocab = file.metadata().has("tokenizer.ggml.tokens") ? file.metadata().getStringArray("tokenizer.ggml.tokens").length : 0;
        long bytes = 0;
        long parameters = 0;
        for (GgufTensorInfo t : file.tensors()) {
            bytes += t.byteSize();
            parameters += t.elementCount();
        }
        return new ModelDescription(arch + " " + sizeClass(layers, vocab) + " " + fileType(file), bytes, parameters);
    }

    /** llama.cpp's LLaMA size classes by layer count ("?B" when it has none). */
    private static String sizeClass(int layers, int vocab) {
        return switch (layers) {
            case 16, 22 -> "1B";
            case 26, 28 -> "3B";
            case 32 -> vocab == 49152 ? "3B" : vocab < 40000 ? "7B" : "8B";
            case 40 -> "13B";
            case 48 -> "34B";
            case 60 -> "30B";
            case 80 -> "70B";
            default -> "?B";
        };
    }

    private static String fileType(GgufFile file) {
        if (file.metadata().has("general.file_type")) {
            return FILE_TYPE_NAMES.getOrDefault(file.metadata().getInt("general.file_type"), "unknown, may not work");
        }
        var counts = new EnumMap<GgmlType, Integer>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors()) counts.merge(t.type(), 1, Integer::sum);
        GgmlType most = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(GgmlType.F32);
        return "(guessed) " + FILE_TYPE_NAMES.get(GUESS.getOrDefault(most, 0));
    }
}
