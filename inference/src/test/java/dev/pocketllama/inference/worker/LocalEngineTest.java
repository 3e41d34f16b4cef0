package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationEvent.Finished;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The real engine on the real stories260K model. */
class LocalEngineTest {
    static final Path STORIES = Path.of("../shared/models/stories260K.gguf");
    static final List<Integer> ONCE_UPON_A_TIME = List.of(1, 403, 407, 261, 378);
    /** llama.cpp's first greedy ids after "Once upon a time" (stories260K-greedy.json). */
    static final List<Integer> GREEDY_START = List.of(432, 383, 286, 261, 376, 298, 315, 421);

    private Engine engine;

    @AfterEach
    void close() {
        if (engine != null) engine.close();
    }

    private Engine start(int perUser, int queueLength) {
        var spec = new ModelSpec("stories", STORIES, "raw", 0);
        var q8 = new ModelSpec("stories-q8", Path.of("../shared/models/stories260K-Q8_0.gguf"), "raw", 0);
        var missing = new ModelSpec("missing", Path.of("../shared/models/nope.gguf"), "raw", 0);
        engine = Engine.start(new EngineOptions(List.of(spec, q8, missing), "stories", 2, perUser, queueLength, 1, 0, null),
                LoadProgressListener.NONE);
        return engine;
    }

    private static GenerationRequest request(String user, Prompt prompt, int maxTokens) {
        return new GenerationRequest(user, null, prompt, SamplingParams.GREEDY, maxTokens);
    }

    private static Finished await(Generation g) throws Exception {
        return g.finished().get(60, TimeUnit.SECONDS);
    }

    @Test
    void greedyTokensStreamInOrderAndMatchLlamaCpp() throws Exception {
        start(4, 64);
        var r = new Recorder();
        Finished f = await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 8), r));
        assertEquals(FinishReason.LENGTH, f.reason());
        assertEquals(GREEDY_START, r.tokenIds());
        List<GenerationEvent> events = r.snapshot();
        assertEquals(new GenerationEvent.Started("stories", 5, 0), events.getFirst());
        assertSame(f, events.getLast());
        assertEquals(5, f.stats().promptTokens());
        assertEquals(8, f.stats().generatedTokens());
        assertTrue(f.stats().tokensPerSecond() > 0 && f.stats().promptTokensPerSecond() > 0);
    }

    @Test
    void answersWithoutWaitingForTheWarmUpAndFinishesItWhileIdle() throws Exception {
        start(4, 64);
        var r = new Recorder();
        await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 8), r));
        assertEquals(GREEDY_START, r.tokenIds());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine.status().warmingUp() && System.nanoTime() < deadline) Thread.sleep(10);
        assertFalse(engine.status().warmingUp(), "the scheduler warms the model up while it has no job");
        var after = new Recorder();
        await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 8), after));
        assertEquals(GREEDY_START, after.tokenIds());
    }

    @Test
    void textPromptsAreTokenizedAsLlamaCppDoesAndDecodedToText() throws Exception {
        start(4, 64);
        var r = new Recorder();
        await(engine.submit(request("u", new Prompt.Text("Once upon a time"), 8), r));
        assertEquals(GREEDY_START, r.tokenIds());
        assertEquals(", there was a little girl", r.text());
        assertEquals("raw", engine.activeModel().template(), "stories260K carries no chat template");
        assertEquals(ONCE_UPON_A_TIME.size(), engine.countPromptTokens(List.of(ChatMessage.user("Once upon a time"))),
                "the raw template of one user turn is BOS and its text");
    }

    @Test
    void aSeedReproducesASampledReply() throws Exception {
        start(4, 64);
        var r = new Recorder();
        var sampled = new SamplingParams(0.8, 40, 0.95, 0.05, 1.1, 64, 42);
        var req = new GenerationRequest("u", null, new Prompt.Tokens(ONCE_UPON_A_TIME), sampled, 200);
        Finished f = await(engine.submit(req, r));
        assertEquals(FinishReason.LENGTH, f.reason(), "stories260K separates stories with BOS, which llama.cpp does not stop at");
        assertNotEquals(GREEDY_START, r.tokenIds().subList(0, 8), "sampling departs from the greedy story");
        var again = new Recorder();
        await(engine.submit(req, again));
        assertEquals(r.tokenIds(), again.tokenIds(), "the seed reproduces the reply");
    }

    @Test
    void cancellingARunningRequestStopsBeforeTheNextToken() throws Exception {
        start(4, 64);
        var holder = new Generation[1];
        var r = new Recorder(null, e -> {
            if (e instanceof GenerationEvent.Token t && t.id() == GREEDY_START.get(2)) {
                synchronized (holder) { // the third token can come before submit() has returned the handle
                    holder[0].cancel();
                }
            }
        });
        synchronized (holder) {
            holder[0] = engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 50), r);
        }
        Finished f = await(holder[0]);
        assertEquals(FinishReason.CANCELLED, f.reason());
        assertEquals(GREEDY_START.subList(0, 3), r.tokenIds());
    }

    @Test
    void queueIsRoundRobinAcrossUsersWithPositionsAndCancelLeavesAtOnce() throws Exception {
        start(4, 64);
        var release = new CountDownLatch(1);
        var first = Recorder.blocking(release);
        List<String> startOrder = new CopyOnWriteArrayList<>();
        Generation g0 = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 2), first);
        assertTrue(first.started.await(30, TimeUnit.SECONDS));
        var a1 = new Recorder(null, e -> { if (e instanceof GenerationEvent.Started) startOrder.add("a1"); });
        var a2 = new Recorder(null, e -> { if (e instanceof GenerationEvent.Started) startOrder.add("a2"); });
        var b1 = new Recorder(null, e -> { if (e instanceof GenerationEvent.Started) startOrder.add("b1"); });
        var c1 = new Recorder();
        Generation ga1 = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 2), a1);
        Generation ga2 = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 2), a2);
        Generation gb1 = engine.submit(request("bob", new Prompt.Tokens(ONCE_UPON_A_TIME), 2), b1);
        Generation gc1 = engine.submit(request("carol", new Prompt.Tokens(ONCE_UPON_A_TIME), 2), c1);
        assertEquals(4, engine.status().queued());
        gc1.cancel();
        assertEquals(FinishReason.CANCELLED, gc1.finished().getNow(null).reason(), "a waiting request leaves at once");
        assertEquals(1, engine.status().running());
        assertEquals(3, engine.status().queued(), "while the worker is still busy");
        release.countDown();
        for (Generation g : List.of(g0, ga1, ga2, gb1)) assertEquals(FinishReason.LENGTH, await(g).reason());
        assertEquals(FinishReason.CANCELLED, await(gc1).reason());
        assertTrue(c1.snapshot().stream().noneMatch(e -> e instanceof GenerationEvent.Started));
        assertEquals(List.of("a1", "b1", "a2"), startOrder);
        assertEquals(List.of(1), a1.queuedPositions());
        assertEquals(List.of(2, 1), b1.queuedPositions());
        assertEquals(List.of(2, 3, 4, 3, 2, 1), a2.queuedPositions(), "bob and carol go ahead of alice's second; carol's cancel moves it up at once");
        assertEquals(List.of(3), c1.queuedPositions());
    }

    @Test
    void limitsRefuseAtOnceWithAReason() throws Exception {
        start(2, 1);
        var release = new CountDownLatch(1);
        var first = Recorder.blocking(release);
        Generation g0 = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), first);
        assertTrue(first.started.await(30, TimeUnit.SECONDS));
        Generation a1 = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), new Recorder());
        Finished perUser = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), new Recorder()).finished().getNow(null);
        Finished full = engine.submit(request("bob", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), new Recorder()).finished().getNow(null);
        release.countDown();
        assertEquals(FinishReason.REFUSED, perUser.reason());
        assertTrue(perUser.message().contains("the limit is 2"), perUser.message());
        assertEquals(FinishReason.REFUSED, full.reason());
        assertTrue(full.message().contains("the queue is full"), full.message());
        assertEquals(FinishReason.LENGTH, await(g0).reason());
        assertEquals(FinishReason.LENGTH, await(a1).reason());
        var later = engine.submit(request("alice", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), new Recorder());
        assertEquals(FinishReason.LENGTH, await(later).reason(), "finished requests no longer count");
    }

    @Test
    void badPromptsFinishWithAnError() throws Exception {
        start(4, 64);
        Finished outOfVocab = await(engine.submit(request("u", new Prompt.Tokens(List.of(1, 9999)), 4), new Recorder()));
        assertEquals(FinishReason.ERROR, outOfVocab.reason());
        assertTrue(outOfVocab.message().contains("9999"), outOfVocab.message());
        Finished empty = await(engine.submit(request("u", new Prompt.Tokens(List.of()), 4), new Recorder()));
        assertEquals("the prompt is empty", empty.message());
        assertEquals(FinishReason.LENGTH, await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 1), new Recorder())).reason(),
                "the engine keeps serving");
    }

    @Test
    void switchModelLoadsTheNewOneAndAFailedLoadKeepsTheOld() throws Exception {
        start(4, 64);
        var failed = engine.switchModel("missing", LoadProgressListener.NONE);
        var e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
        assertInstanceOf(ModelLoadException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("nope.gguf"));
        assertEquals("stories", engine.activeModel().name());
        List<String> stages = new CopyOnWriteArrayList<>();
        assertEquals("stories-q8", engine.switchModel("stories-q8", (stage, f) -> stages.add(stage)).get(30, TimeUnit.SECONDS).name());
        assertTrue(stages.contains("mapping"));
        var r = new Recorder();
        await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 8), r));
        assertEquals(new GenerationEvent.Started("stories-q8", 5, 0), r.snapshot().getFirst());
        assertEquals(GREEDY_START, r.tokenIds(), "the Q8_0 file's greedy start is the same story");
        assertTrue(engine.activeModel().quantMix().startsWith("Q8_0"), engine.activeModel().quantMix());
    }

    @Test
    void aShortContextRefusesLongPromptsAndEndsRepliesAtItsEdge() throws Exception {
        engine = Engine.start(EngineOptions.single(new ModelSpec("tiny", STORIES, "raw", 8)), LoadProgressListener.NONE);
        Finished tooLong = await(engine.submit(request("u", new Prompt.Tokens(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9)), 4), new Recorder()));
        assertEquals(FinishReason.ERROR, tooLong.reason());
        assertEquals("the prompt is 9 tokens, but the context holds 8; shorten the conversation", tooLong.message());
        var r = new Recorder();
        Finished full = await(engine.submit(request("u", new Prompt.Tokens(ONCE_UPON_A_TIME), 50), r));
        assertEquals(FinishReason.LENGTH, full.reason(), full.message());
        assertEquals(GREEDY_START.subList(0, 4), r.tokenIds(), "5 prompt + 3 fed back fill the 8 positions; the 4th is sampled from them");
    }

    @Test
    void startingWithAMissingFileNamesIt() {
        var spec = new ModelSpec("x", Path.of("../shared/models/absent.gguf"), "raw", 0);
        var e = assertThrows(ModelLoadException.class, () -> Engine.start(EngineOptions.single(spec), LoadProgressListener.NONE));
        assertTrue(e.getMessage().contains("absent.gguf"));
    }
}
