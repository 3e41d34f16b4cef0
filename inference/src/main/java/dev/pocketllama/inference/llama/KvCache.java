package dev.pocketllama.inference.llama;

/**
 * One sequence's attention keys and values, per layer and position: {@code (layer, position, kvDim)}.
 * Values are stored rounded to F16, as llama.cpp's default F16 cache holds them.
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private final int kvDim;

    public KvCache(LlamaConfig config, int capacity) {
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        this.keys = new float[config.layers()][capacity * kvDim];
        this.values = new float[config.layers()][capacity * kvDim];
    }

    /** Positions this cache holds. */
    public int capacity() { return capacity; }

    /** Bytes the cache occupies. */
    public long bytes() { return 2L * keys.length * capacity * kvDim * Float.BYTES; }

    void store(int layer, int position, float[] k, float[] v) {
        int at = position * kvDim;
        for (int i = 0; i < kvDim; i++) {
            keys[layer][at + i] = Float.float16ToFloat(Float.floatToFloat16(k[i]));
            values[layer][at + i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
    }
}
