package dev.pocketllama.app.tools;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The hyper-parameters of a LLaMA-architecture model: enough to lay out its tensors and metadata.
 *
 * @param dim            embedding width (heads × head size)
 * @param ff             feed-forward hidden width
 * @param contextLength  written as {@code llama.context_length}; LLaMA 3.2's is capped at 8192 so that an engine
 *                       sizing its KV cache from it stays small
 * @param tiedEmbeddings no {@code output.weight}: the token embeddings double as the classifier
 */
record ModelShape(String name, int dim, int ff, int layers, int heads, int kvHeads, int contextLength,
                  float ropeFreqBase, boolean tiedEmbeddings) {

    static final List<ModelShape> KNOWN = List.of(
            new ModelShape("tinyllama-1.1b", 2048, 5632, 22, 32, 4, 2048, 10000f, false),
            new ModelShape("llama-110m", 768, 2048, 12, 12, 12, 1024, 10000f, false),
            new ModelShape("llama-3.2-1b", 2048, 8192, 16, 32, 8, 8192, 500000f, true));

    ModelShape {
        if (dim <= 0 || ff <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || dim % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("shape " + name + ": dim " + dim + ", ff " + ff + ", " + layers + " layers, "
                    + heads + " heads, " + kvHeads + " KV heads is not a LLaMA shape (heads must divide dim, KV heads must divide heads)");
        }
    }

    static ModelShape named(String name) {
        return KNOWN.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown shape '" + name + "' (known: " + KNOWN.stream().map(ModelShape::name).collect(Collectors.joining(", ")) + ")"));
    }

    /** A shape from {@code DIM,FF,LAYERS,HEADS,KV_HEADS}, for tests at toy sizes. */
    static ModelShape parse(String dims) {
        String[] p = dims.split(",");
        if (p.length != 5) throw new IllegalArgumentException("--custom-shape needs DIM,FF,LAYERS,HEADS,KV_HEADS, got '" + dims + "'");
        int[] v = new int[5];
        for (int i = 0; i < 5; i++) {
            try {
                v[i] = Integer.parseInt(p[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--custom-shape: '" + p[i] + "' is not a number");
            }
        }
        return new ModelShape("custom-" + String.join("x", p), v[0], v[1], v[2], v[3], v[4], 512, 10000f, false);
    }

    int headSize() { return dim / heads; }

    int kvDim() { return kvHeads * headSize(); }
}
