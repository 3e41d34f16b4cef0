package dev.pocketllama.inference.tensor;

import java.util.Arrays;

import static dev.pocketllama.inference.tensor.RowGroupKernel.ROWS;
import static dev.pocketllama.inference.tensor.TileProducts.COLUMNS;

/**
 * {@link TileProducts} in 16 bits, for Q4_0 and Q4_K: their nibbles less 8 times the input's 8-bit quants sum, on the
 * way and at the end of a 32-column block, within 8 * 127 * 32, so 16-bit sums are exact. Per group and tile the
 * values are written once as shorts, a vector per column holding every row of the group, and the inputs pass over them
 * four at a time ({@link ShortTileKernel#addShortTile}), one 16-bit multiply and add per column and input, each
 * block's dot then widened and scaled as it ends, as the type's 16-bit kernels scale it: every product is
 * {@code dotScalar}'s, bit for bit. A multiply takes 32 products (a group's rows) where a float multiply-add takes 16,
 * the tile is half the float tile's bytes (16 KiB, in L1 beside the inputs), and no dots are stored between the
 * products and their scaling: a 64-token chunk through a 2048-column matrix, one thread, went from 25 to 35-38 (Q4_0)
 * and from 25 to 30-31 (Q4_K) billion products a second against the float tiles. Q8_0's and Q6_K's products overflow
 * 16 bits, so they keep the float tiles.
 */
final class ShortTileProducts {
    /** Inputs {@link ShortTileKernel#addShortTile} takes at a time. */
    static final int INPUTS_PER_PASS = 4;
    /** Floats of a tile's scales per row: Q4_K's d, dmin, eight mins and eight sub-block scales. */
    static final int SCALES_PER_ROW = 18;
    /** Inputs one pass takes: a larger batch goes in slices, as in {@link TileProducts}. */
    private static final int MAX_INPUTS = 128;

    private static final class Scratch {
        final short[] tile = new short[COLUMNS * ROWS];
        final float[] scales = new float[SCALES_PER_ROW * ROWS];
        final float[] sums = new float[MAX_INPUTS * ROWS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ShortTileProducts() { }

    static void groupsTimesInputs(ShortTileKernel kernel, int from, int to, Activation[] x, float[][] out, int count) {
        Scratch scratch = SCRATCH.get();
        for (int first = 0; first < count; first += MAX_INPUTS) {
            groupsTimesSlice(kernel, from, to, x, out, first, Math.min(MAX_INPUTS, count - first), scratch);
        }
    }

    private static void groupsTimesSlice(ShortTileKernel kernel, int from, int to, Activation[] x, float[][] out,
                                         int first, int count, Scratch scratch) {
        float[] sums = scratch.sums;
        int columns = kernel.columns();
        int last = first + count - 1;
        for (int g = from; g < to; g++) {
            Arrays.fill(sums, 0, count * ROWS, 0f);
            for (int t = 0; t * COLUMNS < columns; t++) {
                kernel.writeShortTile(g, t, scratch.tile, scratch.scales);
                // a last pass of fewer inputs repeats its last input into sums past the count, which are ignored
                for (int i = 0; i < count; i += INPUTS_PER_PASS) {
                    kernel.addShortTile(t, scratch.tile, scratch.scales, x[first + i], x[Math.min(first + i + 1, last)],
                            x[Math.min(first + i + 2, last)], x[Math.min(first + i + 3, last)], sums, i * ROWS);
                }
            }
            int rows = Math.min(ROWS, kernel.rows() - g * ROWS);
            for (int i = 0; i < count; i++) System.arraycopy(sums, i * ROWS, out[first + i], g * ROWS, rows);
        }
    }
}
