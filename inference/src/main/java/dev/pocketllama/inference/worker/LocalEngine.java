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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine: a waiting room any thread submits to and cancels in, a scheduler thread that batches the running jobs
 * through the models, a prompt cache between turns, and a loader thread that maps and warms a model being switched to
 * while the current one keeps serving.
 */
public final class LocalEngine implements Engine {
    private final EngineOptions options;
    private final KernelPool pool;
    private final Throughput throughput;
    private final PromptCache cache;
    private final WaitingRoom room;
    private final Scheduler scheduler;
    private final Thread schedulerThread;
    private final ExecutorService loader;
    private final AtomicLong ids = new AtomicLong();
    /** Models mapped now: the active one, old ones finishing their jobs, and one being switched to. */
    private final Set<LoadedModel> open = ConcurrentHashMap.newKeySet();
    /** Guarded by {@code this}, so a load that completes while the engine closes either reaches the scheduler or is released. */
    private boolean closed;

    private LocalEngine(EngineOptions options, KernelPool pool, LoadedModel first, Thread schedulerThread) {
        this.options = options;
        this.pool = pool;
        this.throughput = new Throughput(options.maxBatch());
        this.cache = new PromptCache(options.promptCacheBytes());
        this.room = new WaitingRoom(options.maxQueuedPerUser(), options.maxQueueLength(), throughput, this::wakeScheduler,
                this::freeSlots);
        open.add(first);
        this.scheduler = new Scheduler(options.maxBatch(), room, cache, throughput, first, this::release);
        this.loader = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("pocketllama-loader").daemon().unstarted(r));
        this.schedulerThread = schedulerThread;
    }

    /**
     * Loads the default model and starts the scheduler; a model that cannot load is a {@link ModelLoadException}.
     * The engine takes requests as soon as the model is mapped; the scheduler warms its kernels while it has no job
     * ({@link WarmUp}), so a request need not wait for the warm-up, and one that comes after it runs at full speed.
     * It is the scheduler's thread that loads and warms the first model: a thread's first kernel call takes paths (its
     * scratch's creation) the JIT compiles as never taken once other threads have warmed the kernels, and the
     * recompilation made the first reply twice as slow as the next.
     */
    public static LocalEngine start(EngineOptions options, LoadProgressListener progress) {
        ModelSpec spec = options.models().stream().filter(m -> m.name().equals(options.defaultModel())).findFirst()
                .orElseThrow(() -> new ModelLoadException("default model '" + options.defaultModel()
                        + "' is not among the configured models " + options.models().stream().map(ModelSpec::name).toList()));
        if (options.maxBatch() < 1) throw new IllegalArgumentException("maxBatch must be at least 1, was " + options.maxBatch());
        KernelPool pool = options.threads() > 0 ? new KernelPool(options.threads()) : KernelPool.forAllCores();
        var started = new CompletableFuture<LocalEngine>();
        Thread.ofPlatform().name("pocketllama-scheduler").daemon().start(() -> {
            LocalEngine engine;
            try {
                LoadedModel first = LoadedModel.load(spec, options.weightCache(), pool, Scheduler.batchRows(options.maxBatch()), progress);
                engine = new LocalEngine(options, pool, first, Thread.currentThread());
            } catch (Throwable e) {
                pool.close();
                started.completeExceptionally(e);
                return;
            }
            started.complete(engine);
            engine.runScheduler();
        });
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
    }

    private void runScheduler() {
        try {
            scheduler.run();
        } finally {
            pool.close();
        }
    }

    private void wakeScheduler() { scheduler.wake(); }

    private int freeSlots() { return scheduler.freeSlots(); }

    private void release(LoadedModel model) {
        if (open.remove(model)) model.close();
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        Job job = new Job(ids.incrementAndGet(), request, listener, System.nanoTime());
        String refusal = room.enter(job);
        if (refusal != null) job.emit(new GenerationEvent.Finished(FinishReason.REFUSED, GenerationStats.NONE, refusal));
        return new Generation() {
            @Override public long id() { return job.id; }
            @Override public void cancel() { LocalEngine.this.cancel(job); }
            @Override public CompletableFuture<GenerationEvent.Finished> finished() { return job.finished; }
        };
    }

    /** A waiting job leaves the queue here and now; a running one is stopped by the scheduler before its next token. */
    private void cancel(Job job) {
        job.cancelled = true;
        if (!room.cancel(job)) scheduler.wake();
    }

    @Override
    public List<ModelInfo> models() {
        ModelInfo current = scheduler.active().info();
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
    public ModelInfo activeModel() { return scheduler.active().info(); }

    @Override
    public CompletableFuture<ModelInfo> switchModel(String name, LoadProgressListener progress) {
        var result = new CompletableFuture<ModelInfo>();
        ModelSpec spec = options.models().stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
        if (spec == null) {
            result.completeExceptionally(new IllegalArgumentException("no model named '" + name + "'; configured: "
                    + options.models().stream().map(ModelSpec::name).toList()));
            return result;
        }
        try {
            loader.execute(() -> load(spec, progress, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new ModelLoadException("the engine is shutting down; '" + name + "' was not loaded"));
        }
        return result;
    }

    /**
     * On the loader thread, beside the serving model: maps and warms {@code spec} (users of the current model do not
     * wait for the warm-up, so it runs to its end here), then hands it to the scheduler.
     * Switches run one after another, so a second request for the model just loaded finds it active and does nothing.
     */
    private void load(ModelSpec spec, LoadProgressListener progress, CompletableFuture<ModelInfo> result) {
        if (spec.name().equals(scheduler.active().info().name())) {
            result.complete(scheduler.active().info());
            return;
        }
        LoadProgressListener unlessClosed = (stage, fraction) -> {
            if (isClosed()) throw new ModelLoadException("the engine closed while '" + spec.name() + "' was loading");
            progress.onProgress(stage, fraction);
        };
        LoadedModel loaded;
        try {
            loaded = LoadedModel.load(spec, options.weightCache(), pool, Scheduler.batchRows(options.maxBatch()), unlessClosed);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        try {
            loaded.warmUp().run(unlessClosed);
        } catch (RuntimeException e) {
            loaded.close();
            result.completeExceptionally(e);
            return;
        }
        open.add(loaded);
        synchronized (this) {
            if (!closed) {
                scheduler.switchTo(loaded, result);
                return;
            }
        }
        release(loaded);
        result.completeExceptionally(new ModelLoadException("the engine closed while '" + spec.name() + "' was loading"));
    }

    private synchronized boolean isClosed() { return closed; }

    @Override
    public int countPromptTokens(List<ChatMessage> conversation) {
        LoadedModel model = scheduler.active();
        return PromptRenderer.tokens(new Prompt.Chat(conversation), model.tokenizer(), model.template()).length;
    }

    @Override
    public EngineStatus status() {
        Runtime rt = Runtime.getRuntime();
        long mapped = open.stream().mapToLong(m -> m.info().fileSizeBytes()).sum();
        long memory = rt.totalMemory() - rt.freeMemory() + mapped;
        LoadedModel active = scheduler.active();
        return new EngineStatus(active.info(), !active.warmUp().finished(), room.size(), scheduler.running(),
                throughput.tokensPerSecondLastMinute(System.nanoTime()), cache.hitRate(), memory);
    }

    /** Models mapped now (the active one, old ones finishing, one loading): for tests that nothing leaks. */
    int openModels() { return open.size(); }

    /** Prompt-cache counters, for tests and the benchmark. */
    PromptCache promptCache() { return cache; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        room.close();
        scheduler.stop();
        loader.shutdown();
        if (Thread.currentThread() == schedulerThread) return; // closed from a listener: the loop ends after this event
        try {
            schedulerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
