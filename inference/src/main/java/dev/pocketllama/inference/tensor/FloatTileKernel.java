package dev.pocketllama.inference.tensor;

/** A row-group type whose prompt batches take the float tiles ({@link TileProducts}). */
interface FloatTileKernel extends RowGroupKernel {
    @Override
    default void tileProducts(int from, int to, Activation[] x, float[][] out, int count) {
        TileProducts.groupsTimesInputs(this, from, to, x, out, count);
    }

    /** The input's quants, in the encoding this type multiplies with, as floats. */
    float[] quantFloats(Activation x);

    /**
     * Writes group {@code g}'s values in tile {@code tile}'s columns (from {@code tile * TileProducts.COLUMNS}) as
     * exact integers in floats, column c of row r at {@code values[c * ROWS + r]}: the quants, times the integer
     * scale of their 16 or 32 values where the type has one. From {@link TileProducts#SCALES_AT} on, it writes the
     * tile's float scales as {@link #addTile} reads them: a copy on the heap, read once per input,
     * costs far less than reading the row groups' memory again.
     */
    void writeTile(int g, int tile, float[] values);

    /**
     * Adds to {@code sums[sumsAt + r]} the tile's share of group row r's product with {@code x}, given the tile
     * {@link #writeTile} wrote and in {@code dots[dotsAt + s * ROWS + r]} the exact dot of the tile's 32-column
     * segment s with {@code x}'s quants, scaled as {@link #groupTimesOne} scales its integer sums.
     */
    void addTile(int tile, float[] values, Activation x, float[] dots, int dotsAt, float[] sums, int sumsAt);
}
