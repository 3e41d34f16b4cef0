package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.pocketllama.inference.tensor.RowGroupKernel.ROWS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;

/**
 * The product of a batch of inputs (a prompt chunk) with a row-group matrix, in floats (Q8_0 and Q6_K, whose
 * products overflow the 16 bits of {@link ShortTileProducts}). Per group and tile of {@link #COLUMNS} columns, the
 * weights are written once as exact integers in floats ({@link FloatTileKernel#writeTile}); each input's quants, also
 * floats, then pass over that tile four at a time, one fused multiply-add per weight and input: broadcasting a float
 * costs only a load, where the 16-bit kernels spend a shuffle per broadcast and a multiply and an add per product. For
 * a 64-token chunk through a 2048-column matrix on AVX-512 this measured 1.6x (Q6_K) to 2x (Q8_0) the 16-bit kernels'
 * speed; with few inputs, writing the tile costs more than it saves ({@link RowGroupKernel#minTileInputs}).
 *
 * <p>The sums stay exact: each 32-column segment's dot is at most 2^24 in magnitude for every type (Q6_K's largest,
 * 128 * 32 * 127 * 32, just fits), so the float sums are the integer sums the 16-bit kernels compute, and each type's
 * {@link FloatTileKernel#addTile} scales them in the same order: every product is {@code dotScalar}'s, bit for bit.
 */
final class TileProducts {
    /** Columns of a tile: one K-quant super-block, eight 32-value blocks. */
    static final int COLUMNS = 256;
    /**
     * Columns the inputs pass over before they move on: the tile's floats for them, 16 KiB, then stay in a 32 KiB L1
     * cache beside the inputs' quants (over a whole 32 KiB tile the products ran at half the speed).
     */
    private static final int PASS_COLUMNS = 128;
    /** Columns of each exact dot a tile's products are made of. */
    static final int SEGMENT = 32;
    /** Where a tile's scales start, after its values; up to eight per row (Q8_0's block scales). */
    static final int SCALES_AT = COLUMNS * ROWS;
    /** Floats of {@link #segmentDots}' results per input: each segment's dot for each row of the group. */
    static final int DOTS_PER_INPUT = COLUMNS / SEGMENT * ROWS;

    private static final VectorSpecies<Float> FLOATS = Vectors.FLOATS_PER_INTS;
    private static final int INPUTS_PER_PASS = 4;

    /**
     * Inputs one pass over the groups takes: a larger batch (only with {@code engine.maxBatch} above 64) is taken in
     * slices of this many, each product the same. The scratch is allocated at this size once per thread: a scratch
     * grown with the batch had the JIT compile its growth as never happening, and the first batch larger than the
     * warm-up's threw the compiled kernel away (a first reply 2x slower than the next).
     */
    private static final int MAX_INPUTS = 128;

    /** One thread's tile, and per input the tile's dots and the sums of the group at hand. */
    private static final class Scratch {
        final float[] tile = new float[SCALES_AT + 8 * ROWS];
        final float[] dots = new float[MAX_INPUTS * DOTS_PER_INPUT];
        final float[] sums = new float[MAX_INPUTS * ROWS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private TileProducts() { }

    /** Groups {@code [from, to)} times the first {@code count} inputs, each input's encoding prepared. */
    static void groupsTimesInputs(FloatTileKernel kernel, int from, int to, Activation[] x, float[][] out, int count) {
        Scratch scratch = SCRATCH.get();
        for (int first = 0; first < count; first += MAX_INPUTS) {
            groupsTimesSlice(kernel, from, to, x, out, first, Math.min(MAX_INPUTS, count - first), scratch);
        }
    }

    /** Groups {@code [from, to)} times inputs {@code [first, first + count)}. */
    private static void groupsTimesSlice(FloatTileKernel kernel, int from, int to, Activation[] x, float[][] out,
                                         int first, int count, Scratch scratch) {
        float[] tile = scratch.tile;
        float[] dots = scratch.dots;
        float[] sums = scratch.sums;
        int columns = kernel.columns();
        int last = first + count - 1;
        for (int g = from; g < to; g++) {
            Arrays.fill(sums, 0, count * ROWS, 0f);
            for (int t = 0; t * COLUMNS < columns; t++) {
                kernel.writeTile(g, t, tile);
                int width = Math.min(COLUMNS, columns - t * COLUMNS);
                for (int c = 0; c < width; c += PASS_COLUMNS) {
                    // a last pass of fewer inputs repeats its last input, and its dots past the count are ignored
                    for (int i = 0; i < count; i += INPUTS_PER_PASS) {
                        segmentDots(tile, c, Math.min(width, c + PASS_COLUMNS), t * COLUMNS,
                                kernel.quantFloats(x[first + i]),
                                kernel.quantFloats(x[Math.min(first + i + 1, last)]),
                                kernel.quantFloats(x[Math.min(first + i + 2, last)]),
                                kernel.quantFloats(x[Math.min(first + i + 3, last)]),
                                dots, i * DOTS_PER_INPUT);
                    }
                }
                for (int i = 0; i < count; i++) kernel.addTile(t, tile, x[first + i], dots, i * DOTS_PER_INPUT, sums, i * ROWS);
            }
            int rows = Math.min(ROWS, kernel.rows() - g * ROWS);
            for (int i = 0; i < count; i++) System.arraycopy(sums, i * ROWS, out[first + i], g * ROWS, rows);
        }
    }

    /**
     * For four inputs' quants, from column {@code at} of the matrix, the dot of each 32-column segment in tile
     * columns {@code [from, to)} with each row of the tile: {@code dots[dotsAt + input * DOTS_PER_INPUT + segment *
     * ROWS + row]}.
     */
    private static void segmentDots(float[] tile, int from, int to, int at,
                                    float[] q0, float[] q1, float[] q2, float[] q3, float[] dots, int dotsAt) {
        for (int s = from / SEGMENT; s < to / SEGMENT; s++) {
            FloatVector low0 = FloatVector.zero(FLOATS);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            // a loop of constant length: the JIT unrolls it (from s * SEGMENT to (s + 1) * SEGMENT it ran at 70%)
            for (int k = 0; k < SEGMENT; k++) {
                int c = s * SEGMENT + k;
                FloatVector low = FloatVector.fromArray(FLOATS, tile, c * ROWS);
                FloatVector high = FloatVector.fromArray(FLOATS, tile, c * ROWS + LANES);
                FloatVector x0 = FloatVector.broadcast(FLOATS, q0[at + c]);
                FloatVector x1 = FloatVector.broadcast(FLOATS, q1[at + c]);
                FloatVector x2 = FloatVector.broadcast(FLOATS, q2[at + c]);
                FloatVector x3 = FloatVector.broadcast(FLOATS, q3[at + c]);
                low0 = low.fma(x0, low0);
                high0 = high.fma(x0, high0);
                low1 = low.fma(x1, low1);
                high1 = high.fma(x1, high1);
                low2 = low.fma(x2, low2);
                high2 = high.fma(x2, high2);
                low3 = low.fma(x3, low3);
                high3 = high.fma(x3, high3);
            }
            int o = dotsAt + s * ROWS;
            low0.intoArray(dots, o);
            high0.intoArray(dots, o + LANES);
            low1.intoArray(dots, DOTS_PER_INPUT + o);
            high1.intoArray(dots, DOTS_PER_INPUT + o + LANES);
            low2.intoArray(dots, 2 * DOTS_PER_INPUT + o);
            high2.intoArray(dots, 2 * DOTS_PER_INPUT + o + LANES);
            low3.intoArray(dots, 3 * DOTS_PER_INPUT + o);
            high3.intoArray(dots, 3 * DOTS_PER_INPUT + o + LANES);
        }
    }
}
