package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.tensor.RowGroupCache;

import java.nio.file.Path;

/** A loaded LLaMA model: the mapped file, its hyper-parameters and weights. Close it to unmap the file. */
public final class LlamaModel implements AutoCloseable {
    private final GgufFile file;
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final RowGroupCache rowGroups;

    private LlamaModel(GgufFile file, LlamaConfig config, LlamaWeights weights, RowGroupCache rowGroups) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.rowGroups = rowGroups;
    }

    /** Loads {@code path}, copying its row groups from the file and saving nothing (what tests want). */
    public static LlamaModel load(Path path, LoadProgressListener progress) {
        return load(path, null, progress);
    }

    /**
     * Loads {@code path}, its row groups mapped from the copy saved in {@code weightCache} by an earlier load, or
     * copied from the file and saved there for the next ({@code weightCache} null: copied and not saved).
     */
    public static LlamaModel load(Path path, Path weightCache, LoadProgressListener progress) {
        progress.onProgress("mapping", 0);
        GgufFile file = GgufFile.open(path);
        try {
            progress.onProgress("mapping", 1); // may throw to abandon the load: the file is closed below
            LlamaConfig config = LlamaConfig.from(file);
            RowGroupCache rowGroups = weightCache == null ? RowGroupCache.NONE : RowGroupCache.open(weightCache, path);
            LlamaWeights weights = LlamaWeights.load(file, config, rowGroups, progress);
            rowGroups.save(progress);
            return new LlamaModel(file, config, weights, rowGroups);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Wraps an already open file (e.g. one {@code inspect} opened); closing the model closes it. */
    public static LlamaModel of(GgufFile file) {
        LlamaConfig config = LlamaConfig.from(file);
        return new LlamaModel(file, config, LlamaWeights.load(file, config, RowGroupCache.NONE, LoadProgressListener.NONE),
                RowGroupCache.NONE);
    }

    /** Where the row groups came from: {@link RowGroupCache#mapped()} when from a copy an earlier load saved. */
    public RowGroupCache rowGroups() { return rowGroups; }

    public GgufFile file() { return file; }

    public LlamaConfig config() { return config; }

    LlamaWeights weights() { return weights; }

    @Override
    public void close() { file.close(); }
}
