package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.FLOAT;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;

/**
 * A row-group type of 32-value blocks, each opening with its rows' float scales, multiplied with the input's Q8_0
 * quantization (Q4_0, Q8_0, Q5_0): per block, the exact integer dot, fused-multiplied with both scales and added.
 */
abstract class Q8_0InputMatrix extends RowGroupMatrix {
    static final int BLOCK = 32;
    private static final int BLOCKS_PER_TILE = TileProducts.COLUMNS / BLOCK;

    Q8_0InputMatrix(String name, MemorySegment groups, int rows, int columns, GgmlType type, long groupBlockBytes) {
        super(name, groups, rows, columns, type, BLOCK, groupBlockBytes);
    }

    @Override
    protected final void prepare(Activation x) { x.q8_0Quants(); }

    @Override
    public final float[] quantFloats(Activation x) { return x.q8_0QuantFloats(); }

    /** The tile's blocks one by one, then their scales. */
    @Override
    public final void writeTile(int g, int tile, float[] values) {
        int first = tile * BLOCKS_PER_TILE;
        for (int b = first; b < Math.min(blocks, first + BLOCKS_PER_TILE); b++) {
            long block = g * groupBytes + b * groupBlockBytes;
            writeTileBlock(block, values, (b - first) * BLOCK * ROWS);
            MemorySegment.copy(data, FLOAT, block, values, TileProducts.SCALES_AT + (b - first) * ROWS, ROWS);
        }
    }

    /** Writes the group block at {@code block}'s values as floats into {@code values} from {@code at}, as {@link #writeTile} lays them out. */
    abstract void writeTileBlock(long block, float[] values, int at);

    /** Block after block, the dot fused-multiplied with both scales and added, as {@link #groupTimesOne} does. */
    @Override
    public final void addTile(int tile, float[] values, Activation x, float[] dots, int dotsAt, float[] sums, int sumsAt) {
        float[] inputScales = x.q8_0Scales();
        int first = tile * BLOCKS_PER_TILE;
        FloatVector low = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        for (int b = first; b < Math.min(blocks, first + BLOCKS_PER_TILE); b++) {
            int at = (b - first) * ROWS;
            float s = inputScales[b];
            low = FloatVector.fromArray(FLOATS_PER_INTS, dots, dotsAt + at)
                    .fma(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT + at).mul(s), low);
            high = FloatVector.fromArray(FLOATS_PER_INTS, dots, dotsAt + at + LANES)
                    .fma(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT + at + LANES).mul(s), high);
        }
        low.intoArray(sums, sumsAt);
        high.intoArray(sums, sumsAt + LANES);
    }
}
