package dev.pocketllama.inference.tensor;

/**
 * A weight type with a matrix-matrix kernel whose vector lanes run over inputs ({@link InputColumns}): each weight
 * is unpacked once per batch and multiplies {@link InputColumns#WIDTH} inputs per step, which is what makes a prompt
 * chunk cheaper per token than one matrix-vector product per token.
 */
interface ColumnKernel {
    /**
     * From this many inputs a batch goes through the column kernel (with fewer, most lanes would idle). For some
     * types it adds a row's blocks in another order than {@link WeightMatrix#dot}, so a token's products in such a
     * batch agree with its single products to float rounding, not bit for bit.
     */
    int MIN_INPUTS = 8;

    /** Rows per pass of the kernels: each pass keeps a sum per row and 16-input group in registers. */
    int ROWS_PER_PASS = 4;

    /** Lays out the encodings of {@code x[0 .. count)} that this type multiplies with. */
    void layOut(InputColumns columns, Activation[] x, int count);

    /** Rows {@code [from, to)} times every input of {@code in}: {@code out[input][row]}. */
    void rowsTimesColumns(int from, int to, InputColumns in, float[][] out);
}
