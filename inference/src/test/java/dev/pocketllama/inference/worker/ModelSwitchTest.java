package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationEvent.Finished;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.pocketllama.inference.worker.LocalEngineTest.GREEDY_START;
import static dev.pocketllama.inference.worker.LocalEngineTest.ONCE_UPON_A_TIME;
import static dev.pocketllama.inference.worker.LocalEngineTest.STORIES;
import static org.junit.jupiter.api.Assertions.*;

/** Switching models while requests run: nothing lost, nothing failed, the old model released, close during a load. */
class ModelSwitchTest {
    private LocalEngine engine;
    /** Switches save and map row groups here, as the bot's do in its cache directory. */
    @TempDir
    Path weightCache;

    @AfterEach
    void close() {
        if (engine != null) engine.close();
    }

    private LocalEngine start() {
        var spec = new ModelSpec("stories", STORIES, "raw", 0);
        var q8 = new ModelSpec("stories-q8", Path.of("../shared/models/stories260K-Q8_0.gguf"), "raw", 0);
        var broken = new ModelSpec("broken", Path.of("../shared/vocab/ggml-vocab-llama-spm.gguf"), "raw", 0);
        engine = LocalEngine.start(new EngineOptions(List.of(spec, q8, broken), "stories", 2, 4, 64, 4, 16L << 20, weightCache),
                LoadProgressListener.NONE);
        return engine;
    }

    private Generation submit(String user, List<Finished> finished, List<String> models) {
        var request = new GenerationRequest(user, "conv-" + user, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 30);
        Generation g = engine.submit(request, e -> {
            if (e instanceof GenerationEvent.Started s) models.add(s.modelName());
        });
        g.finished().thenAccept(finished::add);
        return g;
    }

    @Test
    void aSwitchUnderLoadLosesNothingAndReleasesTheOldModel() throws Exception {
        start();
        List<Finished> finished = new CopyOnWriteArrayList<>();
        List<String> models = new CopyOnWriteArrayList<>();
        List<Generation> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) all.add(submit("before" + i, finished, models));
        List<String> stages = new CopyOnWriteArrayList<>();
        CompletableFuture<ModelInfo> failed = engine.switchModel("broken", LoadProgressListener.NONE);
        CompletableFuture<ModelInfo> switched = engine.switchModel("stories-q8", (stage, f) -> stages.add(stage));
        for (int i = 0; i < 8; i++) all.add(submit("during" + i, finished, models));
        var e = assertThrows(ExecutionException.class, () -> failed.get(60, TimeUnit.SECONDS));
        assertInstanceOf(ModelLoadException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("ggml-vocab-llama-spm.gguf"), e.getCause().getMessage());
        assertEquals("stories-q8", switched.get(60, TimeUnit.SECONDS).name());
        assertTrue(stages.containsAll(List.of("mapping", "warming up")), stages.toString());
        for (int i = 0; i < 4; i++) all.add(submit("after" + i, finished, models));
        for (Generation g : all) {
            Finished f = g.finished().get(60, TimeUnit.SECONDS);
            assertEquals(FinishReason.LENGTH, f.reason(), f.message());
        }
        assertEquals(20, finished.size());
        assertEquals("stories", models.getFirst(), "the first requests ran on the model active when they started");
        assertEquals("stories-q8", models.getLast());
        assertEquals("stories-q8", engine.activeModel().name());
        assertEquals(1, engine.openModels(), "the old model is released once its requests end");

        var r = new Recorder();
        engine.submit(new GenerationRequest("u", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 8), r)
                .finished().get(60, TimeUnit.SECONDS);
        assertEquals(GREEDY_START, r.tokenIds());
    }

    @Test
    void switchingToTheActiveModelDoesNothing() throws Exception {
        start();
        List<String> stages = new CopyOnWriteArrayList<>();
        ModelInfo info = engine.switchModel("stories", (stage, f) -> stages.add(stage)).get(30, TimeUnit.SECONDS);
        assertEquals("stories", info.name());
        assertEquals(List.of(), stages, "nothing was loaded");
        assertEquals(1, engine.openModels());
        var unknown = engine.switchModel("nope", LoadProgressListener.NONE);
        var e = assertThrows(ExecutionException.class, () -> unknown.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("no model named 'nope'"), e.getCause().getMessage());
    }

    @Test
    void closingWhileASwitchLoadsReleasesTheNewModelAndCompletesTheSwitch() throws Exception {
        start();
        var loading = new CountDownLatch(1);
        var proceed = new CountDownLatch(1);
        CompletableFuture<ModelInfo> switched = engine.switchModel("stories-q8", (stage, f) -> {
            loading.countDown();
            try {
                proceed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(loading.await(30, TimeUnit.SECONDS));
        engine.close();
        proceed.countDown();
        var e = assertThrows(ExecutionException.class, () -> switched.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        assertEquals(0, engine.openModels(), "neither the old nor the new model stays mapped");
        Finished late = engine.submit(new GenerationRequest("u", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 1),
                new Recorder()).finished().getNow(null);
        assertEquals(FinishReason.REFUSED, late.reason());
    }
}
