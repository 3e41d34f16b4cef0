package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.tensor.KernelPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A batch gives every row exactly the logits it gets alone: batched decode and chunked prompts change no token. */
class BatchForwardTest {
    private static final int[] ONCE = {1, 403, 407, 261, 378};
    private static final int[] OTHER = {1, 365, 331, 9, 261, 326};
    private static KernelPool pool;
    private static LlamaModel model;
    private static Transformer transformer;

    @BeforeAll
    static void load() {
        pool = new KernelPool(2);
        model = LlamaModel.load(Path.of("../shared/models/stories260K.gguf"), LoadProgressListener.NONE);
        transformer = new Transformer(model, pool);
    }

    @AfterAll
    static void close() {
        model.close();
        pool.close();
    }

    /** Greedy ids of each prompt, every sequence fed one token at a time on its own. */
    private static List<List<Integer>> alone(int[][] prompts, int tokens) {
        List<List<Integer>> out = new ArrayList<>();
        for (int[] prompt : prompts) {
            Sequence s = transformer.newSequence(64);
            float[] logits = null;
            for (int id : prompt) logits = transformer.forward(s, id);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < tokens; i++) {
                int next = GreedyGenerationTest.argmax(logits);
                ids.add(next);
                logits = transformer.forward(s, next);
            }
            out.add(ids);
        }
        return out;
    }

    @Test
    void promptsInOneChunkAndSequencesInOneBatchGiveTheSameIdsAndLogits() {
        int[][] prompts = {ONCE, OTHER, ONCE};
        int tokens = 40; // past the cache's first allocation, so growing it is covered
        Batch batch = transformer.newBatch(16);
        Sequence[] seqs = new Sequence[prompts.length];
        int[] lastRow = new int[prompts.length];
        batch.clear();
        for (int p = 0; p < prompts.length; p++) {
            seqs[p] = transformer.newSequence(64);
            for (int i = 0; i < prompts[p].length; i++) {
                int row = batch.add(seqs[p], prompts[p][i], i == prompts[p].length - 1);
                if (i == prompts[p].length - 1) lastRow[p] = row;
            }
        }
        transformer.forward(batch); // all three prompts as one chunk of 16 rows
        Sequence single = transformer.newSequence(64);
        float[] alone = null;
        for (int id : OTHER) alone = transformer.forward(single, id);
        // equal up to the last bits: the Vector API's float reductions sum in a different order before the JIT
        // compiles them, so the very first passes may differ in rounding from later ones
        assertArrayEquals(alone, batch.logits(lastRow[1]), 1e-4f);

        List<List<Integer>> batched = new ArrayList<>();
        int[] next = new int[prompts.length];
        for (int p = 0; p < prompts.length; p++) {
            next[p] = GreedyGenerationTest.argmax(batch.logits(lastRow[p]));
            batched.add(new ArrayList<>(List.of(next[p])));
        }
        for (int step = 1; step < tokens; step++) {
            batch.clear();
            for (int p = 0; p < prompts.length; p++) batch.add(seqs[p], next[p], true);
            transformer.forward(batch);
            for (int p = 0; p < prompts.length; p++) {
                next[p] = GreedyGenerationTest.argmax(batch.logits(p));
                batched.get(p).add(next[p]);
            }
        }
        assertEquals(alone(prompts, tokens), batched);
        assertEquals(batched.get(0), batched.get(2));
        assertNotEquals(batched.get(0), batched.get(1));
    }

    @Test
    void rowsRefuseTokensOutsideTheVocabularyAndAFullContext() {
        Batch batch = transformer.newBatch(2);
        Sequence s = transformer.newSequence(1);
        var e = assertThrows(IllegalArgumentException.class, () -> batch.add(s, 9999, true));
        assertTrue(e.getMessage().contains("9999"));
        assertEquals(0, s.length(), "a refused row takes no position");
        batch.add(s, 1, true);
        assertThrows(IllegalStateException.class, () -> batch.add(s, 1, true));
        batch.add(transformer.newSequence(4), 1, false);
        assertThrows(IllegalStateException.class, () -> batch.add(transformer.newSequence(4), 1, true), "two rows fill it");
    }
}
