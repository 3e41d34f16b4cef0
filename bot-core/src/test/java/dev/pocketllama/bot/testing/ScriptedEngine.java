package dev.pocketllama.bot.testing;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineStatus;
import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.Generation;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationListener;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.GenerationStats;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A stand-in {@link Engine} for bot-core's tests (a seam, not the thing under test): it records each request
 * and emits Queued/Started/Token/Finished when the test says so, or answers at once with a scripted reply.
 * Prompt size is counted as {@link #tokens} says: four characters a token plus four per message.
 */
public final class ScriptedEngine implements Engine {
    private final List<ModelInfo> models;
    private final List<Submission> submissions = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile ModelInfo active;
    private volatile Function<GenerationRequest, String> autoReply;
    private volatile String failSwitchWith;
    private volatile boolean warmingUp;

    public ScriptedEngine(ModelInfo... models) {
        this.models = List.of(models);
        this.active = models[0];
    }

    /** One model named "stories" with a context of {@code contextLength} tokens. */
    public static ScriptedEngine withContext(int contextLength) {
        return new ScriptedEngine(model("stories", contextLength));
    }

    public static ModelInfo model(String name, int contextLength) {
        return new ModelInfo(name, Path.of(name + ".gguf"), 1_200_000, "F32 100%", 260_000, contextLength, "raw", true);
    }

    /** From now on every request is answered at once (queued #1, started, one token a word, stop). */
    public ScriptedEngine answerWith(Function<GenerationRequest, String> reply) {
        this.autoReply = reply;
        return this;
    }

    /** The next model switch fails with this message. */
    public void failNextSwitch(String message) { failSwitchWith = message; }

    /** What {@link #status} says of the active model's warm-up. */
    public void setWarmingUp(boolean warmingUp) { this.warmingUp = warmingUp; }

    /** The exact count bot-core trims by. */
    public static int tokens(List<ChatMessage> conversation) {
        return conversation.stream().mapToInt(m -> (m.text().length() + 3) / 4 + 4).sum();
    }

    /** A submitted request, driven by the test. */
    public final class Submission implements Generation {
        public final GenerationRequest request;
        private final GenerationListener listener;
        private final long id = ids.incrementAndGet();
        private final CompletableFuture<GenerationEvent.Finished> finished = new CompletableFuture<>();
        private int generated;

        Submission(GenerationRequest request, GenerationListener listener) {
            this.request = request;
            this.listener = listener;
        }

        public Submission queued(int position, Duration wait) { return emit(new GenerationEvent.Queued(position, wait)); }

        public Submission started() { return emit(new GenerationEvent.Started(active.name(), 10, 0)); }

        public Submission token(String text) {
            generated++;
            return emit(new GenerationEvent.Token(generated, text));
        }

        public Submission finish(FinishReason reason, String message) {
            var stats = new GenerationStats(10, 0, generated, 100, 50, Duration.ZERO);
            return emit(new GenerationEvent.Finished(reason, stats, message));
        }

        /** The chat turns of the request's prompt. */
        public List<ChatMessage> messages() {
            return ((dev.pocketllama.inference.api.Prompt.Chat) request.prompt()).messages();
        }

        public boolean isFinished() { return finished.isDone(); }

        private synchronized Submission emit(GenerationEvent event) {
            if (finished.isDone()) return this;
            listener.onEvent(event);
            if (event instanceof GenerationEvent.Finished f) finished.complete(f);
            return this;
        }

        @Override public long id() { return id; }

        @Override public void cancel() { finish(FinishReason.CANCELLED, ""); }

        @Override public CompletableFuture<GenerationEvent.Finished> finished() { return finished; }
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        var submission = new Submission(request, listener);
        synchronized (this) {
            submissions.add(submission);
        }
        Function<GenerationRequest, String> reply = autoReply;
        if (reply != null) {
            submission.queued(1, Duration.ZERO).started();
            for (String word : reply.apply(request).split("(?<= )")) submission.token(word);
            submission.finish(FinishReason.STOP, "");
        }
        return submission;
    }

    public synchronized List<Submission> submissions() { return List.copyOf(submissions); }

    public synchronized Submission last() { return submissions.getLast(); }

    @Override
    public List<ModelInfo> models() { return models; }

    @Override
    public ModelInfo activeModel() { return active; }

    @Override
    public CompletableFuture<ModelInfo> switchModel(String name, LoadProgressListener progress) {
        String failure = failSwitchWith;
        failSwitchWith = null;
        ModelInfo target = models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
        if (target == null) return CompletableFuture.failedFuture(new IllegalArgumentException("no model named " + name));
        progress.onProgress("mapping", 0.5);
        if (failure != null) return CompletableFuture.failedFuture(new IllegalStateException(failure));
        progress.onProgress("warming", 1.0);
        active = target;
        return CompletableFuture.completedFuture(target);
    }

    @Override
    public int countPromptTokens(List<ChatMessage> conversation) { return tokens(conversation); }

    @Override
    public synchronized EngineStatus status() {
        int waiting = (int) submissions.stream().filter(s -> !s.isFinished()).count();
        return new EngineStatus(active, warmingUp, waiting, 0, 12.5, 0.25, 150_000_000);
    }

    @Override
    public void close() {
        submissions().forEach(Submission::cancel);
    }
}
