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

    /** Maps and checks the file, then warms the kernels; {@code batchRows} is the most rows one step feeds. */
    static LoadedModel load(ModelSpec spec, KernelPool pool, int batchRows, LoadProgressListener progress) {
        LlamaModel model = LlamaModel.load(spec.path(), progress);
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

    /**
     * Runs a few steps, single rows and then small batches, so the JIT compiles the kernels at load rather than during
     * the first users' replies.
     */
    private static void warmUp(Transformer transformer, Batch batch, int context, Tokenizer tokenizer,
                               LoadProgressListener progress) {
        int steps = 6;
        int batchRows = Math.min(batch.capacity(), 8);
        Sequence sequence = transformer.newSequence(Math.min(context, steps * batchRows));
        int token = Math.max(0, tokenizer.bos());
        for (int step = 0; step < steps; step++) {
            batch.clear();
            int rows = step < 4 ? 1 : batchRows;
            for (int i = 0; i < rows && sequence.length() < sequence.capacity(); i++) batch.add(sequence, token, i == rows - 1);
            if (batch.size() > 0) transformer.forward(batch);
            progress.onProgress("warming up", (step + 1.0) / steps);
        }
        batch.clear();
    }

    @Override
    public void close() { model.close(); }
}
