package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight type copied at load into groups of {@link #ROWS} rows with their values interleaved: value j of every
 * row of a group side by side, so a kernel's vector lanes run over rows. Each step then multiplies one value of
 * every row with one input quant (a broadcast), the block scales of a group's rows are one vector, and no lanes are
 * summed across (llama.cpp repacks its quantized types into 8 interleaved rows for its AVX2 kernels, for the same
 * reasons). A group's weights stay in the cache while each input of a batch passes over them: two at a time
 * through the 16-bit kernels for a few inputs, through tiles for more ({@link #tileProducts}). The copy costs a pass over
 * the file at load (one to two seconds for 600 MiB on two cores).
 */
interface RowGroupKernel {
    /** Rows of a group: one per 16-bit lane of a preferred-width vector (32 on AVX-512, 16 on AVX2). */
    int ROWS = 2 * Vectors.LANES;
    VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(ROWS * 16));
    /** Bytes that widen to one {@link #SHORTS} vector: one per row. */
    VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(ROWS * 8));

    /**
     * Groups {@code [from, to)} times the first {@code count} inputs, each input's encoding prepared:
     * {@code out[input][row]}. A few inputs take the 16-bit kernels, two at a time so each weight is unpacked once for
     * both; more take {@link #tileProducts}.
     */
    default void groupsTimesInputs(int from, int to, Activation[] x, float[][] out, int count) {
        if (count >= minTileInputs()) {
            tileProducts(from, to, x, out, count);
            return;
        }
        int whole = Math.max(from, Math.min(to, rows() / ROWS));
        for (int g = from; g < whole; g++) oneGroupTimesInputs(g, x, out, count);
        if (whole < to) {
            // the last group, past the matrix's end: into longer arrays, then its rows copied out
            float[][] padded = PaddedOutputs.of(count, to * ROWS);
            oneGroupTimesInputs(to - 1, x, padded, count);
            int rows = rows() - (to - 1) * ROWS;
            for (int i = 0; i < count; i++) System.arraycopy(padded[i], (to - 1) * ROWS, out[i], (to - 1) * ROWS, rows);
        }
    }

    private void oneGroupTimesInputs(int g, Activation[] x, float[][] out, int count) {
        int i = 0;
        for (; i + 2 <= count; i += 2) groupTimesTwo(g, x[i], x[i + 1], out[i], out[i + 1]);
        if (i < count) groupTimesOne(g, x[i], out[i]);
    }

    /**
     * {@link #groupsTimesInputs} for a batch of at least {@link #minTileInputs} inputs: each group's weights
     * unpacked once into a tile that the inputs then pass over ({@link FloatTileKernel} or {@link ShortTileKernel}).
     */
    void tileProducts(int from, int to, Activation[] x, float[][] out, int count);

    /**
     * Group {@code g}'s rows times {@code x}, into {@code out[g * ROWS ..+ ROWS)}, which must exist even past the
     * matrix's end ({@link #groupsTimesInputs} hands the last group longer arrays). The kernels store whole vectors
     * themselves: C2 boxes vectors passed to a call it does not inline, and the Q4_K and Q6_K kernels are too large
     * for it to inline more; masked stores made Q4_K's two-input kernel too large for C1, and then C2 never compiled it.
     */
    void groupTimesOne(int g, Activation x, float[] out);

    /** {@link #groupTimesOne} for two inputs. */
    void groupTimesTwo(int g, Activation x, Activation y, float[] xOut, float[] yOut);

    /**
     * Batches of at least this many inputs take {@link #tileProducts}: with fewer, writing the tile costs more than
     * it saves. Measured per type, since its 16-bit kernels differ in speed.
     */
    int minTileInputs();

    int rows();

    int columns();

    static int groups(int rows) { return (rows + ROWS - 1) / ROWS; }
}
