package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pocketllama.inference.tensor.Vectors.FLOAT;

/**
 * A matrix of a {@link RowGroupKernel} type: its row-group copy, and the one-row reads its scalar twin and
 * dequantization make of it. A group's block starts with a float or byte per row for each of its scales, side by side.
 */
abstract class RowGroupMatrix extends WeightMatrix implements RowGroupKernel {
    private final GgmlType type;
    /** Blocks per row, and bytes per group. */
    final int blocks;
    final long groupBytes;
    final long groupBlockBytes;

    RowGroupMatrix(String name, MemorySegment groups, int rows, int columns, GgmlType type, int blockValues, long groupBlockBytes) {
        super(name, groups, rows, columns, type);
        this.type = type;
        this.blocks = columns / blockValues;
        this.groupBlockBytes = groupBlockBytes;
        this.groupBytes = blocks * groupBlockBytes;
    }

    @Override
    public final GgmlType type() { return type; }

    /** Row {@code row}'s product: the group kernels' arithmetic, so their result. */
    @Override
    public final float dot(int row, Activation x) { return dotScalar(row, x); }

    /** Where block {@code b} of row {@code row}'s group starts. */
    final long blockOf(int row, int b) { return (row / ROWS) * groupBytes + b * groupBlockBytes; }

    /** The row's float among its group's floats at {@code at}. */
    final float rowFloat(int row, long at) { return data.get(FLOAT, at + (row % ROWS) * 4L); }

    /** The row's byte, signed, among its group's bytes at {@code at}. */
    final int rowByte(int row, long at) { return data.get(ValueLayout.JAVA_BYTE, at + row % ROWS); }
}
