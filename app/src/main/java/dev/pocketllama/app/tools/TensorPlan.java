package dev.pocketllama.app.tools;

import dev.pocketllama.inference.gguf.GgmlType;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which type each tensor of a LLaMA model gets in a file of a given {@link FileType}, and in which order tensors are
 * written: both as llama.cpp's llama-quantize does, so our files have the same mix as the ones people download.
 */
final class TensorPlan {
    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    /** llama.cpp's tensor order: tensors outside layers first, then by layer number, by name within each. */
    static final Comparator<String> LLAMA_ORDER = Comparator.comparingInt(TensorPlan::layer).thenComparing(Comparator.naturalOrder());

    private final FileType fileType;
    private final int layers;
    private final boolean hasOutput;

    /**
     * @param layers    the model's layer count (Q4_K_M gives more bits to some layers)
     * @param hasOutput whether the model has {@code output.weight}; without it the embeddings double as the output
     *                  and are quantized as the output is
     */
    TensorPlan(FileType fileType, int layers, boolean hasOutput) {
        this.fileType = fileType;
        this.layers = layers;
        this.hasOutput = hasOutput;
    }

    /** The layer of a {@code blk.N.} tensor, -1 for the others. */
    static int layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Only 2-D weights are converted; norms and other 1-D tensors keep their type (llama.cpp's rule). */
    static boolean converts(String name, long[] shape) {
        return shape.length >= 2 && name.endsWith("weight") && !name.contains("_norm.weight");
    }

    /** The type of tensor {@code name} of {@code shape} (innermost first) that is {@code source} in the input. */
    GgmlType typeOf(String name, long[] shape, GgmlType source) {
        if (!converts(name, shape)) return source;
        if (!fileType.quantized()) return fileType.base;
        long columns = shape[0];
        GgmlType type = fileType.base;
        if (name.equals("output.weight") || (!hasOutput && name.equals("token_embd.weight"))) {
            if (columns % type.blockSize() != 0) type = GgmlType.Q8_0;
            else if (type != GgmlType.Q8_0) type = GgmlType.Q6_K;
        } else if (fileType == FileType.Q4_K_M && (name.endsWith("attn_v.weight") || name.endsWith("ffn_down.weight"))
                && useMoreBits(layer(name))) {
            type = GgmlType.Q6_K;
        }
        return fallback(type, columns);
    }

    /** llama.cpp's choice of layers that get more bits: the first and last eighth, and every third in between. */
    private boolean useMoreBits(int layer) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /**
     * Rows that do not divide into the type's blocks take llama.cpp's fallback (Q4_K to Q5_0, Q6_K to Q8_0), and
     * F16 when even that does not divide: llama.cpp itself refuses there, and its stories files were made with
     * {@code --tensor-type ffn_down=f16}, which this reproduces.
     */
    private static GgmlType fallback(GgmlType type, long columns) {
        if (columns % type.blockSize() == 0) return type;
        GgmlType next = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return columns % next.blockSize() == 0 ? next : GgmlType.F16;
    }
}
