package dev.pocketllama.inference.llama;

import java.util.Arrays;

/**
 * One sequence's attention keys and values, per layer and position: {@code (layer, position, kvDim)}.
 * Values are stored rounded to F16, as llama.cpp's default F16 cache holds them. The arrays grow with the sequence
 * (up to its capacity), so a short conversation kept in the prompt cache costs what it holds, not a whole context.
 */
public final class KvCache {
    private static final int FIRST_POSITIONS = 32;
    float[][] keys;
    float[][] values;
    private final int capacity;
    private final int kvDim;
    private int allocated;

    public KvCache(LlamaConfig config, int capacity) {
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        this.allocated = Math.min(capacity, FIRST_POSITIONS);
        this.keys = new float[config.layers()][allocated * kvDim];
        this.values = new float[config.layers()][allocated * kvDim];
    }

    /** Positions this cache can hold. */
    public int capacity() { return capacity; }

    /** Bytes the cache occupies now. */
    public long bytes() { return 2L * keys.length * allocated * kvDim * Float.BYTES; }

    /** Makes room for {@code positions} positions, doubling so a growing sequence copies rarely. */
    void ensure(int positions) {
        if (positions <= allocated) return;
        resize(Math.min(capacity, Math.max(positions, 2 * allocated)));
    }

    /** Gives back the memory past {@code positions}. */
    void shrinkTo(int positions) {
        if (positions < allocated) resize(Math.max(1, positions));
    }

    private void resize(int positions) {
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], positions * kvDim);
            values[l] = Arrays.copyOf(values[l], positions * kvDim);
        }
        allocated = positions;
    }

    void store(int layer, int position, float[] k, float[] v) {
        int at = position * kvDim;
        for (int i = 0; i < kvDim; i++) {
            keys[layer][at + i] = Float.float16ToFloat(Float.floatToFloat16(k[i]));
            values[layer][at + i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
    }
}
