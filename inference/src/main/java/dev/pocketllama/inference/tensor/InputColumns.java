package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * A batch of inputs' Q8_0 encodings turned on their side, for products whose vector lanes run over inputs: for each
 * group of {@link #WIDTH} inputs and each position {@code k}, the group's quants at {@code k} lie side by side as
 * floats, and so do each block's scales. One vector step then multiplies one weight with a whole group. The quants
 * are small integers, exact as floats. Reused from product to product (it only grows), by one caller at a time.
 */
final class InputColumns {
    static final VectorSpecies<Float> SPECIES = Vectors.FLOATS_PER_INTS;
    static final int WIDTH = SPECIES.length();

    /** {@code [group][k][WIDTH]}. */
    float[] quants = new float[0];
    /** {@code [group][block][WIDTH]}. */
    float[] scales = new float[0];
    int count;
    /** Groups of {@link #WIDTH} inputs (lanes past the last input are zero). */
    int groups;

    /** Lays out the Q8_0 encodings of {@code x[0 .. count)}, each of {@code columns} values; lanes past the last input are zero. */
    void fillQ8_0(Activation[] x, int count, int columns) {
        int blocks = columns / Q8InputMatrix.BLOCK;
        size(count, columns, blocks);
        for (int n = 0; n < count; n++) put(n, x[n].q8_0Quants(), columns, x[n].q8_0Scales(), blocks);
    }

    private void size(int count, int columns, int blocks) {
        this.count = count;
        this.groups = (count + WIDTH - 1) / WIDTH;
        if (quants.length < groups * columns * WIDTH) quants = new float[groups * columns * WIDTH];
        if (scales.length < groups * blocks * WIDTH) scales = new float[groups * blocks * WIDTH];
        int full = count / WIDTH;
        Arrays.fill(quants, full * columns * WIDTH, groups * columns * WIDTH, 0f);
        Arrays.fill(scales, full * blocks * WIDTH, groups * blocks * WIDTH, 0f);
    }

    private void put(int n, short[] q, int columns, float[] s, int blocks) {
        int group = n / WIDTH;
        int lane = n % WIDTH;
        for (int k = 0, at = group * columns * WIDTH + lane; k < columns; k++, at += WIDTH) quants[at] = q[k];
        for (int b = 0, at = group * blocks * WIDTH + lane; b < blocks; b++, at += WIDTH) scales[at] = s[b];
    }

    /**
     * Writes a row's sums for group {@code g} and, if it exists, {@code g + 1}: {@code 2 * WIDTH} floats from
     * {@code sums[at]}, into {@code out[input][row]} for the inputs that exist.
     */
    void write(float[] sums, int at, int row, int g, float[][] out) {
        for (int lane = 0, n = g * WIDTH; lane < 2 * WIDTH && n < count; lane++, n++) out[n][row] = sums[at + lane];
    }
}
