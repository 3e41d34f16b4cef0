package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Weights in 32-value blocks that start with an F16 scale and multiply with the input's Q8_0 blocks (Q4_0, Q8_0,
 * Q5_0): per block an integer dot product of the quants, times both scales. Each subclass writes its whole row loop
 * (so the JIT sees one monomorphic kernel per type) and a per-block scalar twin.
 */
abstract class Q8InputMatrix extends WeightMatrix {
    static final int BLOCK = 32;
    private final GgmlType type;
    final int blockBytes;

    Q8InputMatrix(String name, MemorySegment data, int rows, int columns, GgmlType type) {
        super(name, data, rows, columns, type);
        this.type = type;
        this.blockBytes = type.blockBytes();
    }

    @Override
    public final GgmlType type() { return type; }

    @Override
    protected final void prepare(Activation x) { x.q8_0Quants(); }

    /**
     * A batch two inputs at a time through {@link #dot2}, so kernels can unpack each block once for two inputs
     * (four would exceed C2's inlining budget and fall back to boxed vectors); a chunk's rows are reread from cache.
     */
    @Override
    final void rowsTimesInputs(int from, int to, Activation[] x, float[][] out, int count) {
        int b = 0;
        for (; b + 2 <= count; b += 2) {
            for (int r = from; r < to; r++) dot2(r, x[b], x[b + 1], out[b], out[b + 1]);
        }
        for (; b < count; b++) {
            for (int r = from; r < to; r++) out[b][r] = dot(r, x[b]);
        }
    }

    /** Row {@code row} dotted with {@code x} into {@code xOut[row]} and with {@code y} into {@code yOut[row]}, each exactly as {@link #dot}. */
    void dot2(int row, Activation x, Activation y, float[] xOut, float[] yOut) {
        xOut[row] = dot(row, x);
        yOut[row] = dot(row, y);
    }

    /** Integer dot of the weight block at byte {@code block} with input quants {@code q[at .. at+32)}, one value at a time. */
    abstract int blockDotScalar(long block, short[] q, int at);

    @Override
    public final float dotScalar(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * blockBytes;
            sum += Vectors.f16(data, block) * scales[b] * blockDotScalar(block, q, b * BLOCK);
        }
        return sum;
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * blockBytes;
            dequantizeBlock(block, Vectors.f16(data, block), out, offset + b * BLOCK);
        }
    }

    /** Writes the 32 values of the block at byte {@code block}, whose scale is {@code d}. */
    abstract void dequantizeBlock(long block, float d, float[] out, int at);
}
