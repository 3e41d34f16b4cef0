package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.FinishReason;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationStats;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.sampling.Sampler;
import dev.pocketllama.inference.tokenizer.StreamDecoder;

import java.time.Duration;
import java.util.Set;

/** Runs one job to its end on the scheduler thread: prompt, then sampled tokens until a stop, the limit or a cancel. */
final class Generator {
    private final LoadedModel model;
    private final Throughput throughput;
    /** Called between tokens so the scheduler can take in submissions and cancels while a job runs. */
    private final Runnable betweenTokens;

    Generator(LoadedModel model, Throughput throughput, Runnable betweenTokens) {
        this.model = model;
        this.throughput = throughput;
        this.betweenTokens = betweenTokens;
    }

    void run(Job job) {
        long startNanos = System.nanoTime();
        Duration queued = Duration.ofNanos(startNanos - job.submittedNanos);
        int[] prompt;
        try {
            prompt = PromptRenderer.tokens(job.request.prompt(), model.tokenizer(), model.template());
        } catch (RuntimeException e) {
            job.emit(new GenerationEvent.Finished(FinishReason.ERROR, GenerationStats.NONE, "cannot tokenize the prompt: " + e.getMessage()));
            return;
        }
        Sequence s = model.sequence();
        String problem = check(prompt, s);
        if (problem != null) {
            job.emit(new GenerationEvent.Finished(FinishReason.ERROR, GenerationStats.NONE, problem));
            return;
        }
        job.emit(new GenerationEvent.Started(model.info().name(), prompt.length, 0));
        s.reset();
        float[] logits = null;
        for (int id : prompt) {
            if (job.cancelled) break;
            logits = model.transformer().forward(s, id);
        }
        long promptNanos = System.nanoTime() - startNanos;
        int[] history = new int[s.capacity() + 1]; // the last token is sampled from a full context, never fed back
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        int length = prompt.length;
        Sampler sampler = new Sampler(job.request.sampling());
        StreamDecoder decoder = model.tokenizer().streamDecoder(false);
        Set<Integer> stops = job.request.prompt() instanceof Prompt.Chat ? model.template().stopTokens() : Set.of();
        int generated = 0;
        FinishReason reason = FinishReason.LENGTH;
        long genStart = System.nanoTime();
        while (true) {
            betweenTokens.run();
            if (job.cancelled) {
                reason = FinishReason.CANCELLED;
                break;
            }
            int next = sampler.sample(logits, history, length);
            if (model.tokenizer().isEndOfGeneration(next) || stops.contains(next)) {
                reason = FinishReason.STOP;
                break;
            }
            history[length++] = next;
            generated++;
            throughput.tokenGenerated(System.nanoTime());
            job.emit(new GenerationEvent.Token(next, decoder.push(next)));
            if (generated >= job.request.maxTokens() || s.length() >= s.capacity()) break;
            logits = model.transformer().forward(s, next);
        }
        long genNanos = System.nanoTime() - genStart;
        var stats = new GenerationStats(prompt.length, 0, generated, perSecond(prompt.length, promptNanos),
                perSecond(generated, genNanos), queued);
        job.emit(new GenerationEvent.Finished(reason, stats, ""));
    }

    private static String check(int[] prompt, Sequence s) {
        if (prompt.length == 0) return "the prompt is empty";
        if (prompt.length >= s.capacity()) {
            return "the prompt is " + prompt.length + " tokens, but the context holds " + s.capacity()
                    + "; shorten the conversation";
        }
        return null;
    }

    private static double perSecond(int count, long nanos) {
        return count == 0 || nanos <= 0 ? 0 : count * 1e9 / nanos;
    }
}
