package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.tensor.Activation;

/**
 * One sequence being generated: its KV cache, how many positions it holds, and the scratch buffers of the forward
 * pass (allocated once, so generating a token allocates nothing).
 */
public final class Sequence {
    final KvCache cache;
    /** Residual stream (dim). */
    final float[] x;
    /** Normalised input of a matrix product (dim), and the attention output before wo (heads * headSize). */
    final Activation xb;
    final Activation attention;
    /** Matrix outputs: query (dim), key and value (kvDim), wo and w2 output (dim). */
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] xb2;
    /** Feed-forward: gate then SiLU(gate) * up as the input of w2 (hiddenDim), and up (hiddenDim). */
    final float[] gate;
    final Activation hidden;
    final float[] up;
    final float[] logits;
    /** One head's query rounded to F16 (headSize). */
    final float[] q16;
    private int length;

    public Sequence(LlamaConfig c, int capacity) {
        cache = new KvCache(c, capacity);
        x = new float[c.dim()];
        xb = new Activation(c.dim());
        attention = new Activation(c.heads() * c.headSize());
        q = new float[c.heads() * c.headSize()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        xb2 = new float[c.dim()];
        gate = new float[c.hiddenDim()];
        hidden = new Activation(c.hiddenDim());
        up = new float[c.hiddenDim()];
        logits = new float[c.vocabSize()];
        q16 = new float[c.headSize()];
    }

    /** Positions filled so far; the next token goes at this position. */
    public int length() { return length; }

    public int capacity() { return cache.capacity(); }

    /** Forgets every position so the sequence can be reused from the start. */
    public void reset() { length = 0; }

    void advance() { length++; }

    public long cacheBytes() { return cache.bytes(); }
}
