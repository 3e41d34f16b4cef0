package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.tensor.Activation;

/**
 * The rows of one forward pass. Each row feeds one token into one sequence at that sequence's next position; rows
 * of several sequences (batched decode) and several positions of one sequence (a prompt chunk) mix freely, and the
 * weights are read once for all of them. The batch also holds every row's scratch, allocated once, so a step
 * allocates nothing. Logits are computed only for rows that ask for them (a prompt chunk needs its last row's).
 */
public final class Batch {
    private final LlamaConfig c;
    final Sequence[] sequences;
    final int[] tokens;
    final int[] positions;
    private final boolean[] wantsLogits;
    /** Residual stream (dim). */
    final float[][] x;
    /** Normalised input of a matrix product (dim), and the attention output before wo (heads * headSize). */
    final Activation[] xb;
    final Activation[] attention;
    /** Matrix outputs: query (dim), key and value (kvDim), wo and w2 output (dim). */
    final float[][] q;
    final float[][] k;
    final float[][] v;
    final float[][] xb2;
    /** Feed-forward: gate, up (hiddenDim), and SiLU(gate) * up as the input of w2. */
    final float[][] gate;
    final float[][] up;
    final Activation[] hidden;
    /** The query rounded to F16 (heads * headSize). */
    final float[][] q16;
    /** Logits (vocab) of rows that want them, allocated on first use. */
    private final float[][] logits;
    /** The rows wanting logits, packed for the classifier's matrix product. */
    final Activation[] logitInputs;
    final float[][] logitOutputs;
    private int size;

    public Batch(LlamaConfig c, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("a batch needs at least one row, was " + capacity);
        this.c = c;
        sequences = new Sequence[capacity];
        tokens = new int[capacity];
        positions = new int[capacity];
        wantsLogits = new boolean[capacity];
        x = new float[capacity][c.dim()];
        xb = activations(capacity, c.dim());
        attention = activations(capacity, c.heads() * c.headSize());
        q = new float[capacity][c.heads() * c.headSize()];
        k = new float[capacity][c.kvDim()];
        v = new float[capacity][c.kvDim()];
        xb2 = new float[capacity][c.dim()];
        gate = new float[capacity][c.hiddenDim()];
        up = new float[capacity][c.hiddenDim()];
        hidden = activations(capacity, c.hiddenDim());
        q16 = new float[capacity][c.heads() * c.headSize()];
        logits = new float[capacity][];
        logitInputs = new Activation[capacity];
        logitOutputs = new float[capacity][];
    }

    private static Activation[] activations(int count, int length) {
        Activation[] a = new Activation[count];
        for (int i = 0; i < count; i++) a[i] = new Activation(length);
        return a;
    }

    public int capacity() { return sequences.length; }

    public int size() { return size; }

    public boolean isFull() { return size == sequences.length; }

    /**
     * Adds a row feeding {@code token} at {@code s}'s next position, which it takes at once (so a second row of the
     * same sequence goes at the position after). Returns the row's index, for {@link #logits(int)}.
     */
    public int add(Sequence s, int token, boolean withLogits) {
        if (isFull()) throw new IllegalStateException("the batch holds only " + capacity() + " rows");
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + c.vocabSize());
        }
        int row = size;
        positions[row] = s.reserve();
        sequences[row] = s;
        tokens[row] = token;
        wantsLogits[row] = withLogits;
        if (withLogits && logits[row] == null) logits[row] = new float[c.vocabSize()];
        size++;
        return row;
    }

    /** The logits a row produced in the last forward pass (the row must have asked for them). */
    public float[] logits(int row) {
        if (row >= size || !wantsLogits[row]) throw new IllegalArgumentException("row " + row + " has no logits");
        return logits[row];
    }

    /** Empties the batch for the next step. */
    public void clear() {
        for (int i = 0; i < size; i++) sequences[i] = null;
        size = 0;
    }

    /** Packs the normalised inputs and logits of the rows wanting logits into the classifier's arrays; returns their count. */
    int packLogitRows() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!wantsLogits[i]) continue;
            logitInputs[n] = xb[i];
            logitOutputs[n] = logits[i];
            n++;
        }
        return n;
    }

    boolean wantsLogits(int row) { return wantsLogits[row]; }
}
