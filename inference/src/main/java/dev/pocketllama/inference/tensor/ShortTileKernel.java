package dev.pocketllama.inference.tensor;

/** A row-group type whose prompt batches take the 16-bit tiles ({@link ShortTileProducts}). */
interface ShortTileKernel extends RowGroupKernel {
    @Override
    default void tileProducts(int from, int to, Activation[] x, float[][] out, int count) {
        ShortTileProducts.groupsTimesInputs(this, from, to, x, out, count);
    }

    /**
     * Writes group {@code g}'s values in tile {@code tile}'s columns as shorts, column c of row r at
     * {@code values[c * ROWS + r]}, such that their products with the input's quants sum within 16 bits over each
     * 32-column segment; and into {@code scales} (at most {@link ShortTileProducts#SCALES_PER_ROW} per row) what
     * {@link #addShortTile} reads.
     */
    void writeShortTile(int g, int tile, short[] values, float[] scales);

    /**
     * Adds to each of four inputs' sums (from {@code sumsAt}, a group's rows per input) the tile's share of its
     * product with the group's rows, given the tile {@link #writeShortTile} wrote: as {@link #groupTimesOne} adds it.
     */
    void addShortTile(int tile, short[] values, float[] scales, Activation x0, Activation x1, Activation x2, Activation x3,
                      float[] sums, int sumsAt);
}
