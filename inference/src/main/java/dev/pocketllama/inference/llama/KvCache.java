package dev.pocketllama.inference.llama;

import java.util.Arrays;

/**
 * One sequence's attention keys and values, per layer, rounded to F16 as llama.cpp's default F16 cache holds them.
 * Values are stored by position, {@code (position, kvDim)}; keys in blocks of {@link HeadVectors#KEY_BLOCK}
 * positions, each block {@code (kvDim, position in block)}, so that one vector holds one value of a block's keys and
 * a query meets a block of keys at once ({@link HeadVectors#keyDots}). The arrays grow with the sequence (up to its
 * capacity, in whole blocks), so a short conversation kept in the prompt cache costs what it holds, not a whole
 * context.
 */
public final class KvCache {
    private static final int BLOCK = HeadVectors.KEY_BLOCK;
    private static final int FIRST_POSITIONS = 32;
    float[][] keys;
    float[][] values;
    /** Per layer, at least the largest magnitude among the values stored: it only grows, so it bounds them all. */
    private final float[] valueBounds;
    private final int capacity;
    private final int kvDim;
    private int allocated;

    public KvCache(LlamaConfig config, int capacity) {
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        this.allocated = HeadVectors.wholeKeyBlocks(Math.min(capacity, FIRST_POSITIONS));
        this.keys = new float[config.layers()][allocated * kvDim];
        this.values = new float[config.layers()][allocated * kvDim];
        this.valueBounds = new float[config.layers()];
    }

    /** Positions this cache can hold. */
    public int capacity() { return capacity; }

    /** Bytes the cache occupies now. */
    public long bytes() { return 2L * keys.length * allocated * kvDim * Float.BYTES; }

    /** Makes room for {@code positions} positions, doubling so a growing sequence copies rarely. */
    void ensure(int positions) {
        if (positions <= allocated) return;
        resize(HeadVectors.wholeKeyBlocks(Math.min(capacity, Math.max(positions, 2 * allocated))));
    }

    /** Gives back the memory past {@code positions} (but for the rest of their last block). */
    void shrinkTo(int positions) {
        int kept = HeadVectors.wholeKeyBlocks(Math.max(1, positions));
        if (kept < allocated) resize(kept);
    }

    private void resize(int positions) {
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], positions * kvDim);
            values[l] = Arrays.copyOf(values[l], positions * kvDim);
        }
        allocated = positions;
    }

    void store(int layer, int position, float[] k, float[] v) {
        int keysAt = keyAt(position, 0);
        int valuesAt = position * kvDim;
        float bound = valueBounds[layer];
        for (int i = 0; i < kvDim; i++) {
            keys[layer][keysAt + i * BLOCK] = HeadVectors.f16(k[i]);
            float value = HeadVectors.f16(v[i]);
            values[layer][valuesAt + i] = value;
            bound = Math.max(bound, Math.abs(value)); // NaN once stored stays: no bound
        }
        valueBounds[layer] = bound;
    }

    /** At least the magnitude of every value stored in {@code layer} (NaN if one was NaN). */
    float valueBound(int layer) { return valueBounds[layer]; }

    /** Where value {@code i} of the key at {@code position} is: its block, then {@code i}'s row of the block. */
    int keyAt(int position, int i) { return position / BLOCK * BLOCK * kvDim + i * BLOCK + position % BLOCK; }
}
