package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.chat.ChatTemplate;
import dev.pocketllama.inference.chat.ChatTemplates;
import dev.pocketllama.inference.gguf.QuantMix;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A model ready to serve: weights, tokenizer, chat template, and the one sequence (KV cache) the scheduler generates into. */
record LoadedModel(ModelInfo info, LlamaModel model, Transformer transformer, Tokenizer tokenizer, ChatTemplate template,
                   Sequence sequence)
        implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    /**
     * Context used when the spec leaves it to the file: the file's training context, capped so a 128K-context
     * model does not allocate tens of gigabytes of KV cache up front.
     */
    static final int MAX_DEFAULT_CONTEXT = 4096;

    static LoadedModel load(ModelSpec spec, KernelPool pool, LoadProgressListener progress) {
        LlamaModel model = LlamaModel.load(spec.path(), progress);
        try {
            Tokenizer tokenizer = new Tokenizer(Vocabulary.from(model.file()));
            ChatTemplate template = ChatTemplates.detect(spec.template(), model.file(), tokenizer, LOG::warn);
            int context = spec.contextLength() > 0 ? spec.contextLength()
                    : Math.min(model.config().contextLength(), MAX_DEFAULT_CONTEXT);
            Transformer transformer = new Transformer(model, pool);
            Sequence sequence = transformer.newSequence(context);
            warmUp(transformer, sequence, tokenizer, progress);
            QuantMix mix = QuantMix.of(model.file().tensors());
            var info = new ModelInfo(spec.name(), spec.path(), model.file().fileSize(), mix.describe(), mix.parameters(),
                    context, template.format().configName(), true);
            return new LoadedModel(info, model, transformer, tokenizer, template, sequence);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Runs a few tokens so the JIT compiles the kernels at load rather than during the first user's reply. */
    private static void warmUp(Transformer transformer, Sequence sequence, Tokenizer tokenizer, LoadProgressListener progress) {
        int steps = Math.min(8, sequence.capacity());
        for (int i = 0; i < steps; i++) {
            transformer.forward(sequence, Math.max(0, tokenizer.bos()));
            progress.onProgress("warming up", (i + 1.0) / steps);
        }
        sequence.reset();
    }

    @Override
    public void close() { model.close(); }
}
