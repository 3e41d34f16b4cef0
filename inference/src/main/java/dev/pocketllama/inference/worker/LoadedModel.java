package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.chat.ChatTemplate;
import dev.pocketllama.inference.chat.ChatTemplates;
import dev.pocketllama.inference.gguf.QuantMix;
import dev.pocketllama.inference.llama.Batch;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * A model ready to serve: weights, tokenizer, chat template, the batch (rows of scratch) the scheduler steps
 * its sequences through, and the warm-up of its kernels that is still to run or has run ({@link WarmUp}).
 */
record LoadedModel(ModelInfo info, LlamaModel model, Transformer transformer, Tokenizer tokenizer, ChatTemplate template,
                   Batch batch, WarmUp warmUp)
        implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    /**
     * Context used when the spec leaves it to the file: the file's training context, capped so a 128K-context
     * model does not allocate tens of gigabytes of KV cache up front.
     */
    static final int MAX_DEFAULT_CONTEXT = 4096;

    /**
     * Maps and checks the file (its row groups from {@code weightCache}, see {@link LlamaModel#load}); the kernels are
     * not warmed yet. {@code batchRows} is the most rows one step feeds.
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
            QuantMix mix = QuantMix.of(model.file().tensors());
            var info = new ModelInfo(spec.name(), spec.path(), model.file().fileSize(), mix.describe(), mix.parameters(),
                    context, template.format().configName(), true);
            var warmUp = new WarmUp(transformer, batch, context, Math.max(0, tokenizer.bos()));
            return new LoadedModel(info, model, transformer, tokenizer, template, batch, warmUp);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() { model.close(); }
}
