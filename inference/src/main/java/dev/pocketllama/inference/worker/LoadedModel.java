package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.chat.ChatTemplate;
import dev.pocketllama.inference.chat.ChatTemplates;
import dev.pocketllama.inference.gguf.QuantMix;
import dev.pocketllama.inference.llama.Batch;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * A model ready to serve: weights, tokenizer, chat template, and the batch (rows of scratch) the scheduler steps
 * its sequences through.
 */
record LoadedModel(ModelInfo info, LlamaModel model, Transformer transformer, Tokenizer tokenizer, ChatTemplate template,
                   Batch batch)
        implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    /**
     * Context used when the spec leaves it to the file: the file's training context, capped so a 128K-context
     * model does not allocate tens of gigabytes of KV cache up front.
     */
    static final int MAX_DEFAULT_CONTEXT = 4096;

    /**
     * Maps and checks the file (its row groups from {@code weightCache}, see {@link LlamaModel#load}), then warms the
     * kernels; {@code batchRows} is the most rows one step feeds.
     */
    static LoadedModel load(ModelSpec spec, Path weightCache, KernelPool pool, int batchRows, LoadProgressListener progress) {
        LlamaModel model = LlamaModel.load(spec.path(), weightCache, progress);
        try {
            Tokenizer tokenizer = new Tokenizer(Vocabulary.from(model.file()));
            ChatTemplate template = ChatTemplates.detect(spec.template(), model.file(), tokenizer, LOG::warn);
            int context = spec.contextLength() > 0 ? spec.contextLength()
                    : Math.min(model.config().contextLength(), MAX_DEFAULT_CONTEXT);
            Transformer transformer = new Transformer(model, pool);
            Batch batch = transformer.newBatch(batchRows);
            warmUp(transformer, batch, context, tokenizer, progress);
            QuantMix mix = QuantMix.of(model.file().tensors());
            var info = new ModelInfo(spec.name(), spec.path(), model.file().fileSize(), mix.describe(), mix.parameters(),
                    context, template.format().configName(), true);
            return new LoadedModel(info, model, transformer, tokenizer, template, batch);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The longest warm-up: a slow machine may not settle, and the model must still come up. */
    static final long WARM_UP_BUDGET_NANOS = 10_000_000_000L;
    private static final long JIT_QUIET_MILLIS = 10;

    /**
     * Runs the three kinds of steps the kernels have paths for, in turn, until the JIT has compiled them all, so that
     * the first user's reply does not pay for it: single rows (decode), batches of four (replies decoded together:
     * the pair kernels, and with the single rows both ways past a batch's check for an odd row out, since a way the
     * warm-up never took is compiled as never taken and costs a recompilation when first taken) and large ones
     * (prompt chunks: the float tiles, from 8 to 32 inputs by type). At least three of each, then until the last of
     * each kind is within a quarter of its best and the JIT spent less than {@value #JIT_QUIET_MILLIS} ms compiling
     * during the last three steps (a kernel takes tens to hundreds), or the budget is spent. Speed alone is not
     * enough: steps of kernels not compiled yet can be steadily slow, and a warm-up that stopped on speed left the
     * first reply five times slower than later ones.
     */
    private static void warmUp(Transformer transformer, Batch batch, int context, Tokenizer tokenizer,
                               LoadProgressListener progress) {
        int limit = Math.min(batch.capacity(), context);
        int[] kinds = {1, Math.min(limit, 4), Math.min(limit, 33)};
        Sequence sequence = transformer.newSequence(Math.min(context, 4 * kinds[2]));
        int token = Math.max(0, tokenizer.bos());
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        boolean[] settled = new boolean[kinds.length];
        long[] jitTimes = {-1, -1, -1, -1}; // compilation milliseconds after the last four steps, the latest last
        for (int step = 0; ; step++) {
            int kind = step % kinds.length;
            int rows = kinds[kind];
            if (sequence.length() + rows > sequence.capacity()) sequence.reset();
            batch.clear();
            for (int i = 0; i < rows; i++) batch.add(sequence, token, i == rows - 1);
            long t0 = System.nanoTime();
            transformer.forward(batch);
            long took = System.nanoTime() - t0;
            settled[kind] = best[kind] != Long.MAX_VALUE && took <= best[kind] + best[kind] / 4;
            best[kind] = Math.min(best[kind], took);
            if (jitTimed) {
                System.arraycopy(jitTimes, 1, jitTimes, 0, 3);
                jitTimes[3] = jit.getTotalCompilationTime();
            }
            long elapsed = System.nanoTime() - start;
            progress.onProgress("warming up", Math.min(1, (double) elapsed / WARM_UP_BUDGET_NANOS));
            boolean jitQuiet = !jitTimed || jitTimes[0] >= 0 && jitTimes[3] - jitTimes[0] < JIT_QUIET_MILLIS;
            boolean allSettled = settled[0] && settled[1] && settled[2];
            if (step >= 3 * kinds.length && allSettled && jitQuiet || elapsed > WARM_UP_BUDGET_NANOS) break;
        }
        batch.clear();
    }

    @Override
    public void close() { model.close(); }
}
