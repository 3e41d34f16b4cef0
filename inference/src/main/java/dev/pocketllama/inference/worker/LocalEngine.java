package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.EngineStatus;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationListener;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.GenerationStats;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.tensor.KernelPool;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine: one scheduler thread owns the active model and its KV cache and runs one job at a time; any thread
 * submits, cancels and switches by posting to the scheduler's inbox. Queue limits are checked at submission so a
 * refusal is immediate.
 */
public final class LocalEngine implements Engine {
    private final EngineOptions options;
    private final KernelPool pool;
    private final Throughput throughput = new Throughput();
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final FairQueue<Job> waiting = new FairQueue<>();
    private final Thread scheduler;
    private final AtomicLong ids = new AtomicLong();
    /** Jobs waiting or running per user, and waiting in total: what the limits count. Guarded by {@code this}. */
    private final Map<String, Integer> activeByUser = new HashMap<>();
    private int waitingCount;
    private volatile LoadedModel active;
    private volatile Job running;
    private volatile boolean closed;
    private boolean positionsChanged;

    private LocalEngine(EngineOptions options, KernelPool pool, LoadedModel first) {
        this.options = options;
        this.pool = pool;
        this.active = first;
        this.scheduler = new Thread(this::schedule, "pocketllama-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Loads the default model and starts the scheduler; a model that cannot load is a {@link ModelLoadException}. */
    public static LocalEngine start(EngineOptions options, LoadProgressListener progress) {
        ModelSpec spec = options.models().stream().filter(m -> m.name().equals(options.defaultModel())).findFirst()
                .orElseThrow(() -> new ModelLoadException("default model '" + options.defaultModel()
                        + "' is not among the configured models " + options.models().stream().map(ModelSpec::name).toList()));
        KernelPool pool = options.threads() > 0 ? new KernelPool(options.threads()) : KernelPool.forAllCores();
        try {
            return new LocalEngine(options, pool, LoadedModel.load(spec, pool, progress));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        Job job = new Job(ids.incrementAndGet(), request, listener, System.nanoTime());
        String refusal = admit(job);
        if (refusal != null) {
            job.emit(new GenerationEvent.Finished(FinishReason.REFUSED, GenerationStats.NONE, refusal));
        } else {
            inbox.add(() -> {
                waiting.add(job.user(), job);
                positionsChanged = true;
            });
        }
        return new Generation() {
            @Override public long id() { return job.id; }
            @Override public void cancel() { LocalEngine.this.cancel(job); }
            @Override public CompletableFuture<GenerationEvent.Finished> finished() { return job.finished; }
        };
    }

    private synchronized String admit(Job job) {
        if (closed) return "the engine is shutting down";
        int mine = activeByUser.getOrDefault(job.user(), 0);
        if (mine >= options.maxQueuedPerUser()) {
            return "you already have " + mine + " requests waiting or running (the limit is "
                    + options.maxQueuedPerUser() + "); wait for one to finish";
        }
        if (waitingCount >= options.maxQueueLength()) {
            return "the queue is full (" + waitingCount + " requests waiting); try again in a moment";
        }
        activeByUser.put(job.user(), mine + 1);
        waitingCount++;
        return null;
    }

    private synchronized void started() { waitingCount--; }

    private synchronized void released(Job job, boolean wasWaiting) {
        if (wasWaiting) waitingCount--;
        activeByUser.computeIfPresent(job.user(), (u, n) -> n > 1 ? n - 1 : null);
    }

    private void cancel(Job job) {
        job.cancelled = true;
        inbox.add(() -> {
            if (waiting.remove(job.user(), job)) {
                released(job, true);
                positionsChanged = true;
                job.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, GenerationStats.NONE, ""));
            }
        });
    }

    /** The scheduler thread: take in messages, publish queue positions, run the next job. */
    private void schedule() {
        while (!closed) {
            drainInbox();
            Job job = waiting.poll();
            publishPositions();
            if (job == null) {
                try {
                    inbox.take().run();
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            started();
            positionsChanged = true;
            running = job;
            long start = System.nanoTime();
            try {
                new Generator(active, throughput, this::betweenTokens).run(job);
            } catch (RuntimeException e) {
                job.emit(new GenerationEvent.Finished(FinishReason.ERROR, GenerationStats.NONE, "generation failed: " + e.getMessage()));
            } finally {
                running = null;
                released(job, false);
                throughput.jobFinished(System.nanoTime() - start);
            }
        }
        failEverything();
    }

    private void betweenTokens() {
        drainInbox();
        publishPositions();
    }

    private void drainInbox() {
        Runnable message;
        while ((message = inbox.poll()) != null) message.run();
    }

    private void publishPositions() {
        if (!positionsChanged) return;
        positionsChanged = false;
        List<Job> order = waiting.inServingOrder();
        for (int i = 0; i < order.size(); i++) {
            Job job = order.get(i);
            int position = i + 1;
            if (job.lastPosition != position) {
                job.lastPosition = position;
                job.emit(new GenerationEvent.Queued(position, throughput.estimatedWait(position)));
            }
        }
    }

    private void failEverything() {
        drainInbox();
        Job job;
        while ((job = waiting.poll()) != null) {
            released(job, true);
            job.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, GenerationStats.NONE, "the engine closed"));
        }
        active.close();
        pool.close();
    }

    @Override
    public List<ModelInfo> models() {
        ModelInfo current = active.info();
        return options.models().stream().map(spec -> spec.name().equals(current.name()) ? current : describe(spec)).toList();
    }

    private static ModelInfo describe(ModelSpec spec) {
        long size;
        try {
            size = Files.size(spec.path());
        } catch (java.io.IOException e) {
            size = 0;
        }
        return new ModelInfo(spec.name(), spec.path(), size, "", 0, spec.contextLength(), spec.template(), false);
    }

    @Override
    public ModelInfo activeModel() { return active.info(); }

    @Override
    public CompletableFuture<ModelInfo> switchModel(String name, LoadProgressListener progress) {
        var result = new CompletableFuture<ModelInfo>();
        ModelSpec spec = options.models().stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
        if (spec == null) {
            result.completeExceptionally(new IllegalArgumentException("no model named '" + name + "'; configured: "
                    + options.models().stream().map(ModelSpec::name).toList()));
        } else if (name.equals(active.info().name())) {
            result.complete(active.info());
        } else {
            Thread.ofPlatform().name("pocketllama-loader").daemon().start(() -> load(spec, progress, result));
        }
        return result;
    }

    /** Loads beside the serving model, then swaps on the scheduler thread between jobs. */
    private void load(ModelSpec spec, LoadProgressListener progress, CompletableFuture<ModelInfo> result) {
        LoadedModel loaded;
        try {
            loaded = LoadedModel.load(spec, pool, progress);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        inbox.add(() -> {
            if (closed) {
                loaded.close();
                result.completeExceptionally(new IllegalStateException("the engine closed"));
                return;
            }
            LoadedModel old = active;
            active = loaded;
            if (running == null) old.close(); else retireAfterRunningJob(old);
            result.complete(loaded.info());
        });
    }

    /** The running job still reads the old weights: close them once it finishes. */
    private void retireAfterRunningJob(LoadedModel old) {
        Job job = running;
        job.finished.whenComplete((f, e) -> inbox.add(old::close));
    }

    @Override
    public int countPromptTokens(List<ChatMessage> conversation) {
        LoadedModel model = active;
        return PromptRenderer.tokens(new Prompt.Chat(conversation), model.tokenizer(), model.template()).length;
    }

    @Override
    public EngineStatus status() {
        int queued;
        synchronized (this) {
            queued = waitingCount;
        }
        Runtime rt = Runtime.getRuntime();
        long memory = rt.totalMemory() - rt.freeMemory() + active.sequence().cacheBytes();
        return new EngineStatus(active.info(), queued, running == null ? 0 : 1,
                throughput.tokensPerSecondLastMinute(System.nanoTime()), 0, memory);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Job job = running;
        if (job != null) job.cancelled = true;
        inbox.add(() -> { });
        if (Thread.currentThread() == scheduler) return; // closed from a listener: the loop ends after this event
        try {
            scheduler.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
