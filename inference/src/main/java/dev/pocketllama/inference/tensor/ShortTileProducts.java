package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

import static dev.pocketllama.inference.tensor.RowGroupKernel.ROWS;
import static dev.pocketllama.inference.tensor.RowGroupKernel.SHORTS;
import static dev.pocketllama.inference.tensor.TileProducts.COLUMNS;
import static dev.pocketllama.inference.tensor.TileProducts.SEGMENT;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;

/**
 * {@link TileProducts} in 16 bits, for Q4_0: its nibbles less 8 times Q8_0 quants sum, on the way and at the end of a
 * 32-column segment, within 8 * 127 * 32, so the 16-bit sums are exact. Per group and tile the values are written once
 * as shorts, a vector per column holding every row of the group, and the inputs pass over them four at a time, one
 * 16-bit multiply and add per column and input. A float multiply-add takes 16 products per instruction, this takes 32
 * (a group's rows), and the multiplies and adds share two ports where this CPU has one AVX-512 multiply-add unit: a
 * 64-token chunk through a 2048-column matrix ran 10-15% faster than through the float tiles. (Q4_K's dots fit too, as
 * nibbles less 8, but adding back the offset and the sub-blocks' scales per segment and input cost what the 16-bit
 * products saved; Q8_0's and Q6_K's overflow.) Each block's exact dot is then widened to a float and added with both
 * scales, block after block, as {@link Q4_0Matrix#groupTimesOne} adds it: every product is {@code dotScalar}'s, bit
 * for bit.
 */
final class ShortTileProducts {
    private static final int INPUTS_PER_PASS = 4;
    /** Inputs one pass takes: a larger batch goes in slices, as in {@link TileProducts}. */
    private static final int MAX_INPUTS = 128;

    private static final class Scratch {
        final short[] tile = new short[COLUMNS * ROWS];
        /** A tile's block scales, per block a group's rows. */
        final float[] scales = new float[COLUMNS / SEGMENT * ROWS];
        final float[] sums = new float[MAX_INPUTS * ROWS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ShortTileProducts() { }

    static void groupsTimesInputs(Q4_0Matrix kernel, int from, int to, Activation[] x, float[][] out, int count) {
        Scratch scratch = SCRATCH.get();
        for (int first = 0; first < count; first += MAX_INPUTS) {
            groupsTimesSlice(kernel, from, to, x, out, first, Math.min(MAX_INPUTS, count - first), scratch);
        }
    }

    private static void groupsTimesSlice(Q4_0Matrix kernel, int from, int to, Activation[] x, float[][] out,
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
                    addBlocks(scratch, Math.min(COLUMNS, columns - t * COLUMNS) / SEGMENT, t * COLUMNS / SEGMENT,
                            x[first + i], x[Math.min(first + i + 1, last)], x[Math.min(first + i + 2, last)],
                            x[Math.min(first + i + 3, last)], i * ROWS);
                }
            }
            for (int i = 0; i < count; i++) {
                RowGroupKernel.store(FloatVector.fromArray(FLOATS_PER_INTS, sums, i * ROWS),
                        FloatVector.fromArray(FLOATS_PER_INTS, sums, i * ROWS + LANES), g, kernel.rows(), out[first + i]);
            }
        }
    }

    /**
     * Adds to four inputs' sums (from {@code sumsAt}, a group's rows each) the tile's {@code blocks} blocks, from
     * block {@code firstBlock} of the matrix: per block, the exact dot of the tile's values with each input's quants,
     * fused-multiplied with the row's and the input's scales, as {@link Q4_0Matrix#groupTimesOne} adds it.
     */
    private static void addBlocks(Scratch scratch, int blocks, int firstBlock, Activation x0, Activation x1, Activation x2,
                                  Activation x3, int sumsAt) {
        short[] tile = scratch.tile;
        float[] scales = scratch.scales;
        float[] sums = scratch.sums;
        int[] q0 = x0.q8_0QuantPairs();
        int[] q1 = x1.q8_0QuantPairs();
        int[] q2 = x2.q8_0QuantPairs();
        int[] q3 = x3.q8_0QuantPairs();
        float[] s0 = x0.q8_0Scales();
        float[] s1 = x1.q8_0Scales();
        float[] s2 = x2.q8_0Scales();
        float[] s3 = x3.q8_0Scales();
        FloatVector low0 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high0 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        FloatVector low1 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + ROWS);
        FloatVector high1 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + ROWS + LANES);
        FloatVector low2 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 2 * ROWS);
        FloatVector high2 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 2 * ROWS + LANES);
        FloatVector low3 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 3 * ROWS);
        FloatVector high3 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 3 * ROWS + LANES);
        for (int s = 0; s < blocks; s++) {
            ShortVector dot0 = ShortVector.zero(SHORTS);
            ShortVector dot1 = dot0;
            ShortVector dot2 = dot0;
            ShortVector dot3 = dot0;
            int at = (firstBlock + s) * SEGMENT;
            // a loop of constant length, which the JIT unrolls
            for (int k = 0; k < SEGMENT; k++) {
                ShortVector w = ShortVector.fromArray(SHORTS, tile, (s * SEGMENT + k) * ROWS);
                dot0 = dot0.add(w.mul((ShortVector) IntVector.broadcast(INTS, q0[at + k]).reinterpretAsShorts()));
                dot1 = dot1.add(w.mul((ShortVector) IntVector.broadcast(INTS, q1[at + k]).reinterpretAsShorts()));
                dot2 = dot2.add(w.mul((ShortVector) IntVector.broadcast(INTS, q2[at + k]).reinterpretAsShorts()));
                dot3 = dot3.add(w.mul((ShortVector) IntVector.broadcast(INTS, q3[at + k]).reinterpretAsShorts()));
            }
            FloatVector dLow = FloatVector.fromArray(FLOATS_PER_INTS, scales, s * ROWS);
            FloatVector dHigh = FloatVector.fromArray(FLOATS_PER_INTS, scales, s * ROWS + LANES);
            int b = firstBlock + s;
            low0 = ((FloatVector) dot0.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s0[b]), low0);
            high0 = ((FloatVector) dot0.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s0[b]), high0);
            low1 = ((FloatVector) dot1.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s1[b]), low1);
            high1 = ((FloatVector) dot1.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s1[b]), high1);
            low2 = ((FloatVector) dot2.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s2[b]), low2);
            high2 = ((FloatVector) dot2.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s2[b]), high2);
            low3 = ((FloatVector) dot3.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s3[b]), low3);
            high3 = ((FloatVector) dot3.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s3[b]), high3);
        }
        low0.intoArray(sums, sumsAt);
        high0.intoArray(sums, sumsAt + LANES);
        low1.intoArray(sums, sumsAt + ROWS);
        high1.intoArray(sums, sumsAt + ROWS + LANES);
        low2.intoArray(sums, sumsAt + 2 * ROWS);
        high2.intoArray(sums, sumsAt + 2 * ROWS + LANES);
        low3.intoArray(sums, sumsAt + 3 * ROWS);
        high3.intoArray(sums, sumsAt + 3 * ROWS + LANES);
    }
}
