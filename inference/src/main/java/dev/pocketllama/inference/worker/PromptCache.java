package dev.pocketllama.inference.worker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pocketllama.inference.llama.Sequence;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Conversations' KV caches kept between turns, so a follow-up prefills only what is new. Caffeine holds them,
 * weighed in bytes and bounded by the configured size; it evicts the entries least recently (and least often) used.
 * A cached sequence is taken out while its conversation's next request runs and put back when it ends.
 */
final class PromptCache {
    /** A conversation's sequence and the token ids its positions hold, made by the named model. */
    private record Entry(String modelName, Sequence sequence, int[] tokens) {
        int weight() { return (int) Math.min(Integer.MAX_VALUE, sequence.cacheBytes() + 4L * tokens.length); }
    }

    /** What a request gets back: a sequence already holding {@code reusedTokens} of its prompt. */
    record Claim(Sequence sequence, int reusedTokens) { }

    private final Cache<String, Entry> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong savedTokens = new AtomicLong();

    /** A cache of at most {@code maxBytes}; 0 keeps nothing. */
    PromptCache(long maxBytes) {
        entries = maxBytes <= 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Entry e) -> e.weight())
                .executor(Runnable::run) // evict on the scheduler thread, not on the common pool
                .build();
    }

    /**
     * Takes {@code conversation}'s sequence when {@code modelName} made it, keeping its longest common prefix with
     * {@code prompt} but never the whole prompt (the last prompt token is fed again for its logits). Null when nothing
     * usable is cached; either way the lookup counts as a hit (something reused) or a miss.
     */
    Claim take(String conversation, String modelName, int[] prompt) {
        if (entries == null || conversation == null) return null;
        Entry e = entries.asMap().remove(conversation);
        if (e == null || !e.modelName().equals(modelName)) {
            misses.incrementAndGet();
            return null;
        }
        int limit = Math.min(Math.min(e.tokens().length, e.sequence().length()), prompt.length - 1);
        int common = 0;
        while (common < limit && e.tokens()[common] == prompt[common]) common++;
        e.sequence().truncate(common);
        if (common == 0) misses.incrementAndGet(); else hits.incrementAndGet();
        savedTokens.addAndGet(common);
        return new Claim(e.sequence(), common);
    }

    /** Keeps {@code sequence}, whose positions hold {@code tokens}, for the conversation's next turn. */
    void put(String conversation, String modelName, Sequence sequence, int[] tokens) {
        if (entries == null || conversation == null) return;
        sequence.trim();
        entries.put(conversation, new Entry(modelName, sequence, tokens));
        entries.cleanUp(); // evict now, so the bound holds when this returns
    }

    /** Forgets everything (the model changed, so no cached keys and values fit it). */
    void clear() {
        if (entries != null) entries.invalidateAll();
    }

    /** Share of lookups that reused a prefix, 0..1 (0 before any lookup). */
    double hitRate() {
        long h = hits.get();
        long total = h + misses.get();
        return total == 0 ? 0 : (double) h / total;
    }

    long hits() { return hits.get(); }

    long savedTokens() { return savedTokens.get(); }

    /** Bytes the cached sequences weigh now. */
    long bytes() {
        if (entries == null) return 0;
        return entries.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst()).orElse(0L);
    }

    int conversations() { return entries == null ? 0 : (int) entries.estimatedSize(); }
}
