package dev.pocketllama.inference.llama;

/**
 * One sequence being generated: its KV cache and how many positions it holds. The scratch of the forward pass
 * lives in the {@link Batch} that feeds it, so a sequence waiting in the prompt cache holds only its keys and values.
 */
public final class Sequence {
    final KvCache cache;
    private int length;

    public Sequence(LlamaConfig c, int capacity) {
        cache = new KvCache(c, capacity);
    }

    /** Positions filled (or reserved by a batch) so far; the next token goes at this position. */
    public int length() { return length; }

    public int capacity() { return cache.capacity(); }

    /** Forgets every position so the sequence can be reused from the start. */
    public void reset() { length = 0; }

    /** Keeps only the first {@code positions} positions: a prefix shared with the next prompt. */
    public void truncate(int positions) {
        if (positions < 0 || positions > length) {
            throw new IllegalArgumentException("cannot keep " + positions + " of " + length + " positions");
        }
        length = positions;
    }

    /** Gives back cache memory past the filled positions, before the sequence waits for its conversation's next turn. */
    public void trim() { cache.shrinkTo(length); }

    /** Takes the next position for a token, growing the cache to hold it. */
    int reserve() {
        if (length >= capacity()) throw new IllegalStateException("context of " + capacity() + " tokens is full");
        cache.ensure(length + 1);
        return length++;
    }

    public long cacheBytes() { return cache.bytes(); }
}
