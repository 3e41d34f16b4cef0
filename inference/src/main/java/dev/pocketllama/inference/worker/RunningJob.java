package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationStats;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.llama.Batch;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.sampling.Sampler;
import dev.pocketllama.inference.tokenizer.StreamDecoder;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * A job the scheduler serves: its sequence, the prompt tokens still to process, and the sampling state of its reply.
 * Each step it adds rows to the batch (a chunk of its prompt, or its last sampled token) and, when its last row
 * produced logits, samples the next token.
 */
final class RunningJob {
    final Job job;
    final LoadedModel model;
    private final Sequence sequence;
    /** The prompt then the generated tokens; the sequence holds all but the last generated one (sampled, not yet fed). */
    private final int[] history;
    private final int promptLength;
    private final int cachedTokens;
    private int length;
    private final Sampler sampler;
    private final StreamDecoder decoder;
    private final Set<Integer> stops;
    private int generated;
    private int logitsRow = -1;
    private final long startNanos;
    private long promptDoneNanos;

    private RunningJob(Job job, LoadedModel model, int[] prompt, PromptCache.Claim claim, long startNanos) {
        this.job = job;
        this.model = model;
        this.sequence = claim != null ? claim.sequence() : model.transformer().newSequence(model.info().contextLength());
        this.cachedTokens = claim != null ? claim.reusedTokens() : 0;
        this.history = Arrays.copyOf(prompt, sequence.capacity() + 1); // the last token is sampled from a full context
        this.promptLength = prompt.length;
        this.length = prompt.length;
        this.sampler = new Sampler(job.request.sampling());
        this.decoder = model.tokenizer().streamDecoder(false);
        this.stops = job.request.prompt() instanceof Prompt.Chat ? model.template().stopTokens() : Set.of();
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code job} on {@code model}, reusing its conversation's cached prefix; or finishes the job with an error
     * (an empty, too long or out-of-vocabulary prompt) and returns null.
     */
    static RunningJob start(Job job, LoadedModel model, PromptCache cache) {
        int[] prompt;
        try {
            prompt = PromptRenderer.tokens(job.request.prompt(), model.tokenizer(), model.template());
        } catch (RuntimeException e) {
            job.emit(failure("cannot tokenize the prompt: " + e.getMessage()));
            return null;
        }
        String problem = problem(prompt, model);
        if (problem != null) {
            job.emit(failure(problem));
            return null;
        }
        var claim = cache.take(job.request.conversationKey(), model.info().name(), prompt);
        return new RunningJob(job, model, prompt, claim, System.nanoTime());
    }

    /** Tells the listener the job started, and how much of its prompt came from the cache. */
    void announce() {
        job.emit(new GenerationEvent.Started(model.info().name(), promptLength, cachedTokens));
    }

    private static String problem(int[] prompt, LoadedModel model) {
        int context = model.info().contextLength();
        int vocabulary = model.model().config().vocabSize();
        if (prompt.length == 0) return "the prompt is empty";
        if (prompt.length >= context) {
            return "the prompt is " + prompt.length + " tokens, but the context holds " + context + "; shorten the conversation";
        }
        for (int id : prompt) {
            if (id < 0 || id >= vocabulary) return "token id " + id + " is outside the vocabulary of " + vocabulary;
        }
        return null;
    }

    private static GenerationEvent.Finished failure(String message) {
        return new GenerationEvent.Finished(FinishReason.ERROR, GenerationStats.NONE, message);
    }

    boolean prefilling() { return sequence.length() < promptLength; }

    /**
     * Adds this step's rows: up to {@code prefillBudget} prompt tokens while prefilling (the prompt's last one asks
     * for logits), otherwise the last sampled token. Returns the prompt tokens it took from the budget.
     */
    int addRows(Batch batch, int prefillBudget) {
        if (!prefilling()) {
            logitsRow = batch.add(sequence, history[length - 1], true);
            return 0;
        }
        int rows = Math.min(Math.min(prefillBudget, promptLength - sequence.length()), batch.capacity() - batch.size());
        for (int i = 0; i < rows; i++) {
            int position = sequence.length();
            boolean last = position == promptLength - 1;
            int row = batch.add(sequence, history[position], last);
            if (last) logitsRow = row;
        }
        return rows;
    }

    /**
     * After the forward pass: samples and sends the next token if this job's rows produced logits. Returns why the
     * job ends (a stop token, the token limit, a full context, a cancel), or null while it goes on.
     */
    FinishReason afterStep(Batch batch, Throughput throughput) {
        if (logitsRow < 0) return null;
        float[] logits = batch.logits(logitsRow);
        logitsRow = -1;
        long now = System.nanoTime();
        if (promptDoneNanos == 0) promptDoneNanos = now;
        if (job.cancelled) return FinishReason.CANCELLED;
        int next = sampler.sample(logits, history, length);
        if (model.tokenizer().isEndOfGeneration(next) || stops.contains(next)) return FinishReason.STOP;
        history[length++] = next;
        generated++;
        throughput.tokenGenerated(now);
        job.emit(new GenerationEvent.Token(next, decoder.push(next)));
        if (job.cancelled) return FinishReason.CANCELLED;
        if (generated >= job.request.maxTokens() || sequence.length() >= sequence.capacity()) return FinishReason.LENGTH;
        return null;
    }

    /** Sends the last event, with counts and speeds. */
    void finish(FinishReason reason, String message) {
        long now = System.nanoTime();
        long promptDone = promptDoneNanos == 0 ? now : promptDoneNanos;
        int computed = promptLength - cachedTokens;
        var stats = new GenerationStats(promptLength, cachedTokens, generated, perSecond(computed, promptDone - startNanos),
                perSecond(generated, now - promptDone), Duration.ofNanos(startNanos - job.submittedNanos));
        job.emit(new GenerationEvent.Finished(reason, stats, message));
    }

    private static double perSecond(int count, long nanos) {
        return count == 0 || nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    Sequence sequence() { return sequence; }

    /** The token ids the sequence's positions hold, for the prompt cache. */
    int[] cachedIds() { return Arrays.copyOf(history, sequence.length()); }

    long startNanos() { return startNanos; }
}
