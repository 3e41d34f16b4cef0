package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.gguf.GgufFile;

import java.nio.file.Path;

/** A loaded LLaMA model: the mapped file, its hyper-parameters and weights. Close it to unmap the file. */
public final class LlamaModel implements AutoCloseable {
    private final GgufFile file;
    private final LlamaConfig config;
    private final LlamaWeights weights;

    private LlamaModel(GgufFile file, LlamaConfig config, LlamaWeights weights) {
        this.file = file;
        this.config = config;
        this.weights = weights;
    }

    public static LlamaModel load(Path path, LoadProgressListener progress) {
        progress.onProgress("mapping", 0);
        GgufFile file = GgufFile.open(path);
        try {
            progress.onProgress("mapping", 1); // may throw to abandon the load: the file is closed below
            LlamaConfig config = LlamaConfig.from(file);
            return new LlamaModel(file, config, LlamaWeights.load(file, config, progress));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Wraps an already open file (e.g. one {@code inspect} opened); closing the model closes it. */
    public static LlamaModel of(GgufFile file) {
        LlamaConfig config = LlamaConfig.from(file);
        return new LlamaModel(file, config, LlamaWeights.load(file, config, LoadProgressListener.NONE));
    }

    public GgufFile file() { return file; }

    public LlamaConfig config() { return config; }

    LlamaWeights weights() { return weights; }

    @Override
    public void close() { file.close(); }
}
