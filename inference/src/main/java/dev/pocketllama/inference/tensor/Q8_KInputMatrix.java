package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Weights in 256-value super-blocks that multiply with the input's Q8_K blocks (Q4_K, Q6_K), as llama.cpp's CPU
 * backend does. Subclasses give one super-block's contribution to the dot product, vectorised and scalar; each writes
 * its own row loop, so no call site sees both types (two kernels inlined into one method exceed C2's inlining budget,
 * and a vector operation left out falls back to boxed vectors, ten times slower).
 */
abstract class Q8_KInputMatrix extends WeightMatrix {
    static final int BLOCK = Q8_KInput.BLOCK;
    private final GgmlType type;

    Q8_KInputMatrix(String name, MemorySegment data, int rows, int columns, GgmlType type) {
        super(name, data, rows, columns, type);
        this.type = type;
    }

    @Override
    public final GgmlType type() { return type; }

    @Override
    protected final void prepare(Activation x) { x.q8_K(); }

    /** The same, one value at a time. */
    abstract float blockDotScalar(long block, Q8_KInput x, int b);

    /** Writes the 256 values of the super-block at byte {@code block}. */
    abstract void dequantizeBlock(long block, float[] out, int at);

    @Override
    public final float dotScalar(int row, Activation x) {
        Q8_KInput in = x.q8_K();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) sum += blockDotScalar(base + (long) b * type.blockBytes(), in, b);
        return sum;
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++) dequantizeBlock(base + (long) b * type.blockBytes(), out, offset + b * BLOCK);
    }
}
