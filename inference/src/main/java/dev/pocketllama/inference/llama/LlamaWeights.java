package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import dev.pocketllama.inference.tensor.RowGroupCache;
import dev.pocketllama.inference.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All weights of a LLaMA model, as views of the mapped file (norm vectors, being tiny, are copied to floats).
 * Every tensor's shape is checked against the config, so a mismatched file fails here with the tensor's name.
 *
 * @param tokenEmbedding (vocab rows of dim)
 * @param output         (dim -> vocab) the classifier; the token embedding itself when the file ties them
 */
record LlamaWeights(WeightMatrix tokenEmbedding, List<LlamaLayer> layers, float[] outputNorm, WeightMatrix output) {

    static LlamaWeights load(GgufFile file, LlamaConfig c, RowGroupCache cache, LoadProgressListener progress) {
        var loader = new Loader(file, cache);
        WeightMatrix embedding = loader.matrix("token_embd.weight", c.dim(), c.vocabSize());
        var layers = new ArrayList<LlamaLayer>();
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            layers.add(new LlamaLayer(
                    loader.vector(p + "attn_norm.weight", c.dim()),
                    loader.matrix(p + "attn_q.weight", c.dim(), c.heads() * c.headSize()),
                    loader.matrix(p + "attn_k.weight", c.dim(), c.kvDim()),
                    loader.matrix(p + "attn_v.weight", c.dim(), c.kvDim()),
                    loader.matrix(p + "attn_output.weight", c.heads() * c.headSize(), c.dim()),
                    loader.vector(p + "ffn_norm.weight", c.dim()),
                    loader.matrix(p + "ffn_gate.weight", c.dim(), c.hiddenDim()),
                    loader.matrix(p + "ffn_down.weight", c.hiddenDim(), c.dim()),
                    loader.matrix(p + "ffn_up.weight", c.dim(), c.hiddenDim())));
            progress.onProgress("preparing weights", (l + 1.0) / c.layers());
        }
        float[] outputNorm = loader.vector("output_norm.weight", c.dim());
        WeightMatrix output = file.findTensor("output.weight").isPresent()
                ? loader.matrix("output.weight", c.dim(), c.vocabSize()) : embedding;
        return new LlamaWeights(embedding, List.copyOf(layers), outputNorm, output);
    }

    /** Looks tensors up by name and checks their shapes. */
    private record Loader(GgufFile file, RowGroupCache cache) {

        WeightMatrix matrix(String name, int columns, int rows) {
            GgufTensorInfo t = expect(name, columns, rows);
            return WeightMatrix.of(t, file.data(t), file.path().toString(), cache);
        }

        float[] vector(String name, int length) {
            GgufTensorInfo t = expect(name, length);
            float[] values = new float[length];
            WeightMatrix.of(t, file.data(t), file.path().toString()).dequantizeRow(0, values, 0);
            return values;
        }

        private GgufTensorInfo expect(String name, long... shape) {
            GgufTensorInfo t = file.tensor(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ModelLoadException("model file " + file.path() + ": tensor '" + name + "' has shape "
                        + t.shapeText() + ", expected " + Arrays.toString(shape) + " from the llama.* metadata");
            }
            return t;
        }
    }
}
