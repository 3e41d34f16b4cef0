package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * A batch of inputs' Q8_0 encodings turned on their side, for products whose vector lanes run over inputs: for each
 * group of {@link #WIDTH} inputs and each position {@code k}, the group's quants at {@code k} lie side by side as
 * floats, and so do each block's scales. One vector step then multiplies one weight with a whole group, so a weight
 * is unpacked once per batch instead of once per input. The quants are small integers, exact as floats. Reused from
 * product to product (it only grows), by one caller at a time.
 */
final class InputColumns {
    static final VectorSpecies<Float> SPECIES = Vectors.FLOATS_PER_INTS;
    static final int WIDTH = SPECIES.length();

    /** {@code [group][k][WIDTH]}. */
    float[] quants = new float[0];
    /** {@code [group][block][WIDTH]}. */
    float[] scales = new float[0];
    int count;
    /** Groups of inputs, an even number: the kernels take two at a time (a padding group is all zeros). */
    int groups;

    /** Lays out the Q8_0 encodings of {@code x[0 .. count)}, each of {@code columns} values; lanes past the last input are zero. */
    void fillQ8_0(Activation[] x, int count, int columns) {
        int blocks = columns / Q8InputMatrix.BLOCK;
        this.count = count;
        this.groups = (count + 2 * WIDTH - 1) / (2 * WIDTH) * 2;
        quants = grown(quants, groups * columns * WIDTH);
        scales = grown(scales, groups * blocks * WIDTH);
        int full = count / WIDTH;
        Arrays.fill(quants, full * columns * WIDTH, groups * columns * WIDTH, 0f);
        Arrays.fill(scales, full * blocks * WIDTH, groups * blocks * WIDTH, 0f);
        for (int n = 0; n < count; n++) {
            short[] q = x[n].q8_0Quants();
            float[] s = x[n].q8_0Scales();
            int group = n / WIDTH;
            int lane = n % WIDTH;
            int at = group * columns * WIDTH + lane;
            for (int k = 0; k < columns; k++, at += WIDTH) quants[at] = q[k];
            at = group * blocks * WIDTH + lane;
            for (int b = 0; b < blocks; b++, at += WIDTH) scales[at] = s[b];
        }
    }

    /**
     * Writes a row's sums for groups {@code g} and {@code g + 1} into {@code out[input][row]}, for the inputs that
     * exist, through {@code lanes} (2 * WIDTH floats).
     */
    void write(FloatVector first, FloatVector second, float[] lanes, int row, int g, float[][] out) {
        first.intoArray(lanes, 0);
        second.intoArray(lanes, WIDTH);
        for (int lane = 0, n = g * WIDTH; lane < 2 * WIDTH && n < count; lane++, n++) out[n][row] = lanes[lane];
    }

    private static float[] grown(float[] array, int length) {
        return array.length >= length ? array : new float[length];
    }
}
