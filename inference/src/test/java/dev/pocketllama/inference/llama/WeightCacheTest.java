package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.tensor.KernelPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The weight cache: a model's first load saves its row groups, later loads map them, and a model loaded either way
 * answers exactly as one copied from the file; a damaged, stale or unwritable cache costs only speed.
 */
class WeightCacheTest {
    /** Q4_K, Q6_K, Q5_0 and Q8_0 matrices: every row-group layout but Q4_0's. */
    private static final Path K_QUANTS = Path.of("../shared/models/stories260K-Q4_K_M.gguf");
    private static final Path Q4_0 = Path.of("../shared/models/stories260K-Q4_0.gguf");
    private static final int[] ONCE_UPON_A_TIME = {1, 403, 407, 261, 378};
    private static KernelPool pool;

    @TempDir
    Path cache;

    @BeforeAll
    static void startPool() { pool = new KernelPool(2); }

    @AfterAll
    static void stopPool() { pool.close(); }

    @Test
    void aSecondLoadMapsTheSavedWeightsAndAnswersTheSame() {
        for (Path model : List.of(K_QUANTS, Q4_0)) {
            List<Integer> copied = greedy(model, null);
            List<String> stages = new CopyOnWriteArrayList<>();
            try (LlamaModel first = LlamaModel.load(model, cache, (stage, fraction) -> stages.add(stage))) {
                assertFalse(first.rowGroups().mapped());
                assertTrue(Files.isRegularFile(first.rowGroups().file()), "saved to " + first.rowGroups().file());
                assertTrue(stages.contains("saving weights for faster loads"), stages.toString());
                assertEquals(copied, greedy(first));
            }
            try (LlamaModel second = LlamaModel.load(model, cache, LoadProgressListener.NONE)) {
                assertTrue(second.rowGroups().mapped(), model + " mapped on its second load");
                assertEquals(copied, greedy(second));
            }
        }
    }

    @Test
    void aDamagedCopyIsReplaced() throws IOException {
        List<Integer> copied = greedy(K_QUANTS, null);
        Path saved;
        try (LlamaModel first = LlamaModel.load(K_QUANTS, cache, LoadProgressListener.NONE)) {
            saved = first.rowGroups().file();
        }
        try (FileChannel file = FileChannel.open(saved, StandardOpenOption.WRITE)) {
            file.truncate(file.size() / 2);
        }
        try (LlamaModel damaged = LlamaModel.load(K_QUANTS, cache, LoadProgressListener.NONE)) {
            assertFalse(damaged.rowGroups().mapped(), "a cut copy is not used");
            assertEquals(copied, greedy(damaged));
        }
        try (LlamaModel again = LlamaModel.load(K_QUANTS, cache, LoadProgressListener.NONE)) {
            assertTrue(again.rowGroups().mapped(), "the damaged copy was saved again");
            assertEquals(copied, greedy(again));
        }
        Files.write(saved, "not row groups".getBytes());
        try (LlamaModel garbled = LlamaModel.load(K_QUANTS, cache, LoadProgressListener.NONE)) {
            assertFalse(garbled.rowGroups().mapped());
            assertEquals(copied, greedy(garbled));
        }
    }

    @Test
    void aPartialCopyLeftByACrashIsReplaced() throws IOException {
        Path saved;
        try (LlamaModel first = LlamaModel.load(Q4_0, cache, LoadProgressListener.NONE)) {
            saved = first.rowGroups().file();
        }
        Path partial = saved.resolveSibling(saved.getFileName() + ".partial");
        Files.delete(saved);
        Files.write(partial, new byte[1 << 20]);
        try (LlamaModel again = LlamaModel.load(Q4_0, cache, LoadProgressListener.NONE)) {
            assertFalse(again.rowGroups().mapped());
        }
        assertFalse(Files.exists(partial), "the partial file became the copy");
        try (LlamaModel third = LlamaModel.load(Q4_0, cache, LoadProgressListener.NONE)) {
            assertTrue(third.rowGroups().mapped());
            assertEquals(greedy(Q4_0, null), greedy(third));
        }
    }

    @Test
    void aChangedModelFileIsCopiedAfresh(@TempDir Path models) throws IOException {
        Path model = Files.copy(Q4_0, models.resolve("model.gguf"));
        try (LlamaModel first = LlamaModel.load(model, cache, LoadProgressListener.NONE)) {
            assertFalse(first.rowGroups().mapped());
        }
        Files.copy(K_QUANTS, model, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 60_000));
        try (LlamaModel replaced = LlamaModel.load(model, cache, LoadProgressListener.NONE)) {
            assertFalse(replaced.rowGroups().mapped(), "another file at the same path is not the saved one");
            assertEquals(greedy(K_QUANTS, null), greedy(replaced));
        }
        try (LlamaModel again = LlamaModel.load(model, cache, LoadProgressListener.NONE)) {
            assertTrue(again.rowGroups().mapped());
        }
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "the new copy replaced the old one");
        }
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyCostsSpeed() throws IOException {
        Path notADirectory = Files.writeString(cache.resolve("file"), "x");
        List<Integer> copied = greedy(K_QUANTS, null);
        for (int i = 0; i < 2; i++) {
            try (LlamaModel model = LlamaModel.load(K_QUANTS, notADirectory, LoadProgressListener.NONE)) {
                assertFalse(model.rowGroups().mapped());
                assertEquals(copied, greedy(model));
            }
        }
    }

    private static List<Integer> greedy(Path model, Path weightCache) {
        try (LlamaModel m = LlamaModel.load(model, weightCache, LoadProgressListener.NONE)) {
            return greedy(m);
        }
    }

    /** Twenty greedy tokens after "Once upon a time". */
    private static List<Integer> greedy(LlamaModel model) {
        Transformer transformer = new Transformer(model, pool);
        Sequence s = transformer.newSequence(64);
        float[] logits = null;
        for (int id : ONCE_UPON_A_TIME) logits = transformer.forward(s, id);
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int next = 0;
            for (int t = 1; t < logits.length; t++) if (logits[t] > logits[next]) next = t;
            tokens.add(next);
            logits = transformer.forward(s, next);
        }
        return tokens;
    }
}
