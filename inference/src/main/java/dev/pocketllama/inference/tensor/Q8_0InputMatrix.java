package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A row-group type of 32-value blocks, each opening with its rows' float scales, multiplied with the input's Q8_0
 * quantization (Q4_0, Q8_0, Q5_0): per block, the exact integer dot, fused-multiplied with both scales and added.
 */
abstract class Q8_0InputMatrix extends RowGroupMatrix {
    static final int BLOCK = 32;
    /** Blocks of a tile ({@link TileProducts#COLUMNS} columns). */
    static final int BLOCKS_PER_TILE = TileProducts.COLUMNS / BLOCK;

    Q8_0InputMatrix(String name, MemorySegment groups, int rows, int columns, GgmlType type, long groupBlockBytes) {
        super(name, groups, rows, columns, type, BLOCK, groupBlockBytes);
    }

    @Override
    protected final void prepare(Activation x) { x.q8_0Quants(); }
}
