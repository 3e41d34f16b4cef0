package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationStats;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.llama.Batch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The scheduler thread: owns the models, the running jobs and their sequences. Each step it takes jobs from the
 * waiting room while there is room in the batch, then runs one forward pass per model over every running job's rows:
 * one token for each replying job and a chunk of prompt for those still prefilling. Jobs join and leave between
 * steps. While it has no job, it warms the active model's kernels up a step at a time. Other threads reach it only
 * through its inbox.
 */
final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Prompt tokens one step processes when nobody is waiting for a streamed token ... */
    static final int PREFILL_CHUNK = 64;
    /** ... and while replies stream, so a long prompt delays their next token only a little. */
    static final int STREAMING_CHUNK = 16;

    private final int maxBatch;
    private final WaitingRoom room;
    private final PromptCache cache;
    private final Throughput throughput;
    private final Consumer<LoadedModel> release;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final List<RunningJob> running = new ArrayList<>();
    /** Models replaced by a switch whose running jobs have not finished yet. */
    private final List<LoadedModel> retiring = new ArrayList<>();
    private volatile LoadedModel active;
    private volatile int runningCount;
    private volatile boolean stopping;

    Scheduler(int maxBatch, WaitingRoom room, PromptCache cache, Throughput throughput, LoadedModel first,
              Consumer<LoadedModel> release) {
        this.maxBatch = maxBatch;
        this.room = room;
        this.cache = cache;
        this.throughput = throughput;
        this.active = first;
        this.release = release;
    }

    /** Rows a model's batch needs: one per replying job plus a prompt chunk. */
    static int batchRows(int maxBatch) { return maxBatch + PREFILL_CHUNK; }

    LoadedModel active() { return active; }

    int running() { return runningCount; }

    /** Runs {@code message} on the scheduler thread between steps (and wakes it when idle). */
    void post(Runnable message) { inbox.add(message); }

    void wake() { inbox.add(() -> { }); }

    /** Ends the loop after the current step; running jobs finish as cancelled. */
    void stop() {
        stopping = true;
        wake();
    }

    /** Makes {@code next} the model new jobs start on; the replaced one is released once its running jobs end. */
    void switchTo(LoadedModel next, CompletableFuture<ModelInfo> result) {
        post(() -> {
            if (stopping) {
                release.accept(next);
                result.completeExceptionally(new ModelLoadException("the engine closed while '" + next.info().name() + "' was loading"));
                return;
            }
            retiring.add(active);
            active = next;
            cache.clear();
            releaseIdleModels();
            result.complete(next.info());
        });
    }

    void run() {
        try {
            while (!stopping) {
                drainInbox();
                if (stopping) break;
                endCancelled();
                admit();
                if (running.isEmpty()) {
                    if (inbox.isEmpty() && warmUpStep()) continue;
                    inbox.take().run();
                    continue;
                }
                step();
                releaseIdleModels();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutDown();
        }
    }

    /**
     * One more step of the active model's warm-up, if it is not finished: false if there was none. A step that fails
     * ends the warm-up (the first request then reports the error, if it lasts).
     */
    private boolean warmUpStep() {
        WarmUp warmUp = active.warmUp();
        try {
            return warmUp.advance();
        } catch (RuntimeException e) {
            LOG.warn("warming up {} failed: {}", active.info().name(), e.toString());
            warmUp.end();
            return false;
        }
    }

    private void drainInbox() {
        Runnable message;
        while ((message = inbox.poll()) != null) message.run();
    }

    /** Takes waiting jobs, in fair order, while the batch has room. */
    private void admit() {
        while (running.size() < maxBatch) {
            Job job = room.next();
            if (job == null) break;
            RunningJob started = job.cancelled ? null : RunningJob.start(job, active, cache);
            if (started == null) {
                room.left(job);
                if (job.cancelled) job.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, GenerationStats.NONE, ""));
            } else {
                running.add(started);
                runningCount = running.size();
                started.announce();
            }
        }
    }

    /** Slots a new job could take at the next step: a job that will start at once is not told a queue position. */
    int freeSlots() { return maxBatch - runningCount; }

    private void endCancelled() {
        for (RunningJob r : List.copyOf(running)) if (r.job.cancelled) end(r, FinishReason.CANCELLED, "");
    }

    /** One forward pass per model that has running jobs (two only while a switch lets the old model's jobs finish). */
    private void step() {
        Set<LoadedModel> models = new LinkedHashSet<>();
        for (RunningJob r : running) models.add(r.model);
        for (LoadedModel model : models) {
            List<RunningJob> jobs = running.stream().filter(r -> r.model == model).toList();
            Batch batch = model.batch();
            batch.clear();
            boolean streaming = jobs.stream().anyMatch(r -> !r.prefilling());
            int budget = streaming ? STREAMING_CHUNK : PREFILL_CHUNK;
            for (RunningJob r : jobs) budget -= r.addRows(batch, budget);
            try {
                model.transformer().forward(batch);
            } catch (RuntimeException e) {
                for (RunningJob r : jobs) end(r, FinishReason.ERROR, "generation failed: " + e.getMessage());
                continue;
            }
            for (RunningJob r : jobs) {
                FinishReason reason = r.afterStep(batch, throughput);
                if (reason != null) end(r, reason, "");
            }
        }
        runningCount = running.size();
    }

    /** Finishes a running job; its sequence goes to the prompt cache when its conversation may continue on this model. */
    private void end(RunningJob r, FinishReason reason, String message) {
        running.remove(r);
        runningCount = running.size();
        if (reason != FinishReason.ERROR && r.model == active) {
            cache.put(r.job.request.conversationKey(), r.model.info().name(), r.sequence(), r.cachedIds());
        }
        room.left(r.job);
        throughput.jobFinished(System.nanoTime() - r.startNanos());
        r.finish(reason, message);
    }

    private void releaseIdleModels() {
        retiring.removeIf(model -> {
            boolean idle = running.stream().noneMatch(r -> r.model == model);
            if (idle) release.accept(model);
            return idle;
        });
    }

    private void shutDown() {
        for (RunningJob r : List.copyOf(running)) end(r, FinishReason.CANCELLED, "the engine closed");
        stopping = true;
        drainInbox();
        cache.clear();
        retiring.forEach(release);
        retiring.clear();
        release.accept(active);
    }
}
