package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufMetadata;

/**
 * The hyper-parameters of a LLaMA-family model, read from the GGUF's {@code llama.*} metadata.
 *
 * @param dim            width of the residual stream (embedding_length)
 * @param hiddenDim      width of the feed-forward layer (feed_forward_length)
 * @param layers         transformer blocks (block_count)
 * @param heads          query heads
 * @param kvHeads        key/value heads; fewer than {@code heads} is grouped-query attention
 * @param headSize       values per head
 * @param vocabSize      rows of the token embedding
 * @param contextLength  positions the model was trained on
 * @param rmsEps         epsilon inside RMSNorm's square root
 * @param ropeTheta      RoPE frequency base
 * @param ropeDimensions leading values of each head that RoPE rotates
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int headSize, int vocabSize,
                          int contextLength, float rmsEps, float ropeTheta, int ropeDimensions) {

    public int kvDim() { return kvHeads * headSize; }

    public static LlamaConfig from(GgufFile file) {
        GgufMetadata m = file.metadata();
        String arch = m.findString("general.architecture").orElse("(none)");
        if (!arch.equals("llama")) {
            throw new ModelLoadException("model file " + file.path() + ": architecture '" + arch
                    + "' is not supported (supported: llama, which covers LLaMA 1/2/3, TinyLlama, SmolLM and Mistral-style files)");
        }
        int dim = m.getInt("llama.embedding_length");
        int heads = m.getInt("llama.attention.head_count");
        int kvHeads = m.getInt("llama.attention.head_count_kv", heads);
        int headSize = m.getInt("llama.attention.key_length", heads > 0 ? dim / heads : 0);
        int vocab = (int) file.tensor("token_embd.weight").dim(1);
        var config = new LlamaConfig(dim, m.getInt("llama.feed_forward_length"), m.getInt("llama.block_count"), heads,
                kvHeads, headSize, vocab, m.getInt("llama.context_length", 2048),
                m.getFloat("llama.attention.layer_norm_rms_epsilon", 1e-5f), m.getFloat("llama.rope.freq_base", 10000f),
                m.getInt("llama.rope.dimension_count", headSize));
        config.check(file);
        return config;
    }

    private void check(GgufFile file) {
        String problem = null;
        if (dim < 1 || hiddenDim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || contextLength < 1) {
            problem = "sizes must be positive";
        } else if (heads % kvHeads != 0) {
            problem = "head_count " + heads + " is not a multiple of head_count_kv " + kvHeads;
        } else if (headSize * heads != dim) {
            problem = "head_count " + heads + " x head size " + headSize + " is not embedding_length " + dim;
        } else if (ropeDimensions < 2 || ropeDimensions > headSize || ropeDimensions % 2 != 0) {
            problem = "rope.dimension_count " + ropeDimensions + " must be even and at most the head size " + headSize;
        } else if (!(rmsEps > 0) || !(ropeTheta > 0)) {
            problem = "layer_norm_rms_epsilon and rope.freq_base must be positive";
        }
        if (problem != null) {
            throw new ModelLoadException("model file " + file.path() + ": inconsistent llama.* metadata: " + problem + " (" + this + ")");
        }
    }
}
