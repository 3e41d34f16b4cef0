package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationEvent.Finished;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.pocketllama.inference.worker.LocalEngineTest.GREEDY_START;
import static dev.pocketllama.inference.worker.LocalEngineTest.ONCE_UPON_A_TIME;
import static dev.pocketllama.inference.worker.LocalEngineTest.STORIES;
import static org.junit.jupiter.api.Assertions.*;

/** The shared worker on the real stories260K model: fairness, batching, prompt chunks and the prompt cache. */
class SharedWorkerTest {
    static final SamplingParams SEEDED = new SamplingParams(0.8, 40, 0.95, 0.05, 1.1, 64, 42);
    static final String LONG_TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the sun."
            + " One day, she saw a big red ball in the park. She wanted to play with it, but it was too high."
            + " Lily asked her mom for help. Her mom smiled and said, \"Let's get it together!\" They went to the tree"
            + " and her mom lifted her up. Lily got the ball and they played all day. When the sun went down, they";

    private LocalEngine engine;

    @AfterEach
    void close() {
        if (engine != null) engine.close();
    }

    private LocalEngine start(int maxBatch, int perUser, int queueLength, long cacheBytes) {
        var spec = new ModelSpec("stories", STORIES, "raw", 0);
        engine = LocalEngine.start(new EngineOptions(List.of(spec), "stories", 2, perUser, queueLength, maxBatch, cacheBytes, null),
                LoadProgressListener.NONE);
        return engine;
    }

    private static GenerationRequest request(String user, String conversation, Prompt prompt, SamplingParams sampling, int maxTokens) {
        return new GenerationRequest(user, conversation, prompt, sampling, maxTokens);
    }

    private static Finished await(Generation g) throws Exception {
        return g.finished().get(120, TimeUnit.SECONDS);
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void nineUsersEachStartBeforeTheFloodersSecondRequest() throws Exception {
        start(4, 10, 64, 0);
        var release = new CountDownLatch(1);
        var holder = Recorder.blocking(release);
        Generation held = engine.submit(request("holder", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 2), holder);
        assertTrue(holder.started.await(30, TimeUnit.SECONDS));
        List<String> starts = new CopyOnWriteArrayList<>();
        List<Generation> all = new ArrayList<>(List.of(held));
        for (int i = 0; i < 10; i++) {
            String name = "flood" + i;
            all.add(engine.submit(request("flooder", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 4),
                    new Recorder(null, e -> { if (e instanceof GenerationEvent.Started) starts.add(name); })));
        }
        for (int u = 0; u < 9; u++) {
            String name = "user" + u;
            all.add(engine.submit(request(name, null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 4),
                    new Recorder(null, e -> { if (e instanceof GenerationEvent.Started) starts.add(name); })));
        }
        assertEquals(19, engine.status().queued());
        release.countDown();
        for (Generation g : all) assertEquals(FinishReason.LENGTH, await(g).reason());
        int second = starts.indexOf("flood1");
        for (int u = 0; u < 9; u++) assertTrue(starts.indexOf("user" + u) < second, starts.toString());
        assertEquals("flood0", starts.getFirst(), "the flooder was first in line");
    }

    @Test
    void batchedRepliesAreTheRepliesEachGetsAlone() throws Exception {
        List<Prompt> prompts = List.of(new Prompt.Tokens(ONCE_UPON_A_TIME), new Prompt.Text("The cat sat"),
                new Prompt.Tokens(ONCE_UPON_A_TIME), new Prompt.Text("Lily and Ben"));
        List<SamplingParams> samplings = List.of(SamplingParams.GREEDY, SamplingParams.GREEDY, SEEDED,
                new SamplingParams(1.0, 0, 0.9, 0, 1, 64, 7));
        start(1, 8, 64, 0);
        List<List<Integer>> alone = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            var r = new Recorder();
            await(engine.submit(request("u", null, prompts.get(i), samplings.get(i), 40), r));
            alone.add(r.tokenIds());
        }
        engine.close();

        start(4, 8, 64, 0);
        var release = new CountDownLatch(1);
        List<Recorder> recorders = new ArrayList<>();
        List<Integer> runningAtFirstToken = new CopyOnWriteArrayList<>();
        List<Generation> gens = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            boolean[] first = {true};
            var r = new Recorder(i == 0 ? release : null, e -> {
                if (e instanceof GenerationEvent.Token && first[0]) {
                    first[0] = false;
                    runningAtFirstToken.add(engine.status().running());
                }
            });
            recorders.add(r);
            gens.add(engine.submit(request("user" + i, null, prompts.get(i), samplings.get(i), 40), r));
            if (i == 0) assertTrue(r.started.await(30, TimeUnit.SECONDS));
        }
        release.countDown();
        for (Generation g : gens) assertEquals(FinishReason.LENGTH, await(g).reason());
        assertEquals(List.of(4, 4, 4, 4), runningAtFirstToken, "all four decode in the same steps");
        for (int i = 0; i < prompts.size(); i++) assertEquals(alone.get(i), recorders.get(i).tokenIds(), "reply " + i);
        assertEquals(GREEDY_START, recorders.getFirst().tokenIds().subList(0, 8));
        assertNotEquals(recorders.get(0).tokenIds(), recorders.get(2).tokenIds(), "the seeded one samples");
    }

    @Test
    void cancellingOneOfABatchStopsItBeforeItsNextTokenAndTheOthersGoOn() throws Exception {
        start(4, 8, 64, 0);
        var release = new CountDownLatch(1);
        Generation[] victim = new Generation[1];
        var cancelled = new Recorder(null, e -> {
            if (e instanceof GenerationEvent.Token t && t.id() == GREEDY_START.get(2)) victim[0].cancel();
        });
        var holder = Recorder.blocking(release);
        Generation kept = engine.submit(request("a", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 20), holder);
        assertTrue(holder.started.await(30, TimeUnit.SECONDS));
        synchronized (victim) {
            victim[0] = engine.submit(request("b", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 20), cancelled);
        }
        var queued = new Recorder();
        Generation waiting = engine.submit(request("c", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 20), queued);
        waiting.cancel();
        release.countDown();
        assertEquals(FinishReason.CANCELLED, await(victim[0]).reason());
        assertEquals(GREEDY_START.subList(0, 3), cancelled.tokenIds());
        assertEquals(FinishReason.CANCELLED, await(waiting).reason());
        assertEquals(List.of(), queued.tokenIds());
        assertEquals(FinishReason.LENGTH, await(kept).reason());
        assertEquals(20, holder.tokenIds().size());
        assertEquals(GREEDY_START, holder.tokenIds().subList(0, 8));

        var status = engine.status();
        assertEquals(0, status.running());
        assertEquals(0, status.queued());
        assertTrue(status.tokensPerSecondLastMinute() > 0);
        assertTrue(status.memoryBytes() > status.activeModel().fileSizeBytes());
        assertEquals("stories", status.activeModel().name());
    }

    @Test
    void aLongPromptIsProcessedInChunksWhileAReplyKeepsStreaming() throws Exception {
        start(4, 8, 64, 0);
        var alone = new Recorder();
        await(engine.submit(request("u", null, new Prompt.Text(LONG_TEXT), SamplingParams.GREEDY, 8), alone));
        int promptTokens = ((GenerationEvent.Started) alone.snapshot().getFirst()).promptTokens();
        assertTrue(promptTokens > 4 * Scheduler.STREAMING_CHUNK, "prompt of " + promptTokens);

        List<String> order = new CopyOnWriteArrayList<>();
        var longReply = new Recorder(null, e -> {
            if (e instanceof GenerationEvent.Token) order.add("long");
        });
        Generation[] longGen = new Generation[1];
        var streaming = new Recorder(null, e -> {
            if (e instanceof GenerationEvent.Token) {
                order.add("short");
                if (order.size() == 3) {
                    longGen[0] = engine.submit(request("v", null, new Prompt.Text(LONG_TEXT), SamplingParams.GREEDY, 8), longReply);
                }
            }
        });
        Generation shortGen = engine.submit(request("u", null, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 60), streaming);
        assertEquals(FinishReason.LENGTH, await(shortGen).reason());
        assertEquals(FinishReason.LENGTH, await(longGen[0]).reason());
        int shortBeforeLong = order.indexOf("long") - 3;
        int chunks = (promptTokens + Scheduler.STREAMING_CHUNK - 1) / Scheduler.STREAMING_CHUNK;
        assertTrue(shortBeforeLong >= chunks - 1, "one streamed token per prompt chunk: " + shortBeforeLong + " of " + chunks);
        assertEquals(alone.tokenIds(), longReply.tokenIds(), "the chunked prompt gives the reply it gets alone");
        assertEquals(GREEDY_START, streaming.tokenIds().subList(0, 8));
    }

    @Test
    void aSecondTurnPrefillsOnlyItsNewTokens() throws Exception {
        start(4, 8, 64, 64L << 20);
        var first = new Recorder();
        await(engine.submit(request("u", "chat-1", new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 8), first));
        assertEquals(GREEDY_START, first.tokenIds());
        List<Integer> secondPrompt = concat(concat(ONCE_UPON_A_TIME, first.tokenIds()), List.of(13, 403, 407));

        var second = new Recorder();
        Finished f = await(engine.submit(request("u", "chat-1", new Prompt.Tokens(secondPrompt), SamplingParams.GREEDY, 12), second));
        int cached = ONCE_UPON_A_TIME.size() + GREEDY_START.size() - 1; // the last reply token was sampled, never fed
        assertEquals(new GenerationEvent.Started("stories", secondPrompt.size(), cached), second.snapshot().getFirst());
        assertEquals(cached, f.stats().cachedPromptTokens());
        assertEquals(secondPrompt.size(), f.stats().promptTokens());

        var uncached = new Recorder();
        await(engine.submit(request("u", null, new Prompt.Tokens(secondPrompt), SamplingParams.GREEDY, 12), uncached));
        assertEquals(new GenerationEvent.Started("stories", secondPrompt.size(), 0), uncached.snapshot().getFirst());
        assertEquals(uncached.tokenIds(), second.tokenIds(), "the reused prefix gives the same reply");

        var other = new Recorder();
        await(engine.submit(request("u", "chat-2", new Prompt.Tokens(secondPrompt), SamplingParams.GREEDY, 1), other));
        assertEquals(0, ((GenerationEvent.Started) other.snapshot().getFirst()).cachedTokens(), "another conversation's cache is its own");
        assertEquals(1, engine.promptCache().hits());
        assertEquals(cached, engine.promptCache().savedTokens());
        assertEquals(1 / 3.0, engine.status().cacheHitRate(), 1e-9, "one hit in three lookups");

        var edited = new Recorder();
        List<Integer> editedPrompt = concat(ONCE_UPON_A_TIME, List.of(13, 13));
        await(engine.submit(request("u", "chat-1", new Prompt.Tokens(editedPrompt), SamplingParams.GREEDY, 1), edited));
        assertEquals(ONCE_UPON_A_TIME.size(), ((GenerationEvent.Started) edited.snapshot().getFirst()).cachedTokens(),
                "an edited history reuses only the common prefix");
    }

    @Test
    void thePromptCacheStaysWithinItsBytes() throws Exception {
        long bound = 40_000; // stories260K keeps 1,280 bytes per position: room for a few short conversations
        start(4, 8, 64, bound);
        for (int c = 0; c < 12; c++) {
            await(engine.submit(request("u", "chat-" + c, new Prompt.Tokens(ONCE_UPON_A_TIME), SamplingParams.GREEDY, 8), new Recorder()));
            assertTrue(engine.promptCache().bytes() <= bound, "cache holds " + engine.promptCache().bytes() + " after " + c + " in " + engine.promptCache().conversations());
        }
        assertTrue(engine.promptCache().conversations() >= 1 && engine.promptCache().conversations() < 12);
    }

    @Test
    void fiftyConcurrentConversationsAreAllAnswered() throws Exception {
        int conversations = 50;
        int queueLength = 64;
        start(8, 2, queueLength, 64L << 20);
        Map<Integer, Finished> secondTurns = new ConcurrentHashMap<>();
        List<Finished> firstTurns = new CopyOnWriteArrayList<>();
        List<Integer> queueSeen = new CopyOnWriteArrayList<>();
        var done = new CountDownLatch(conversations);
        for (int c = 0; c < conversations; c++) {
            int id = c;
            var opening = List.of(dev.pocketllama.inference.api.ChatMessage.user("Tom had a dog number " + id + "."));
            var reply = new StringBuilder();
            engine.submit(request("user" + id, "conv" + id, new Prompt.Chat(opening), SamplingParams.GREEDY, 12), e -> {
                queueSeen.add(engine.status().queued());
                if (e instanceof GenerationEvent.Token t) reply.append(t.text());
                if (e instanceof Finished f) {
                    firstTurns.add(f);
                    var next = new ArrayList<>(opening);
                    next.add(dev.pocketllama.inference.api.ChatMessage.assistant(reply.toString()));
                    next.add(dev.pocketllama.inference.api.ChatMessage.user("The dog ran."));
                    engine.submit(request("user" + id, "conv" + id, new Prompt.Chat(next), SamplingParams.GREEDY, 12), e2 -> {
                        if (e2 instanceof Finished f2) {
                            secondTurns.put(id, f2);
                            done.countDown();
                        }
                    });
                }
            });
        }
        assertTrue(done.await(300, TimeUnit.SECONDS), "answered: " + secondTurns.size());
        for (Finished f : Stream.concat(firstTurns.stream(), secondTurns.values().stream()).toList()) {
            assertTrue(f.reason() == FinishReason.LENGTH || f.reason() == FinishReason.STOP, f.toString());
            assertTrue(f.stats().generatedTokens() > 0 || f.reason() == FinishReason.STOP, f.toString());
        }
        assertEquals(conversations, firstTurns.size());
        assertEquals(conversations, secondTurns.size());
        assertTrue(queueSeen.stream().allMatch(q -> q <= conversations), "queue bounded");
        long reused = IntStream.range(0, conversations).filter(i -> secondTurns.get(i).stats().cachedPromptTokens() > 0).count();
        assertEquals(conversations, reused, "every second turn reused its first turn's keys and values");
        assertEquals(0, engine.status().queued());
        assertEquals(0, engine.status().running());
    }
}
