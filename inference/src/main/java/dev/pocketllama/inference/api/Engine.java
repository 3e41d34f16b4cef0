package dev.pocketllama.inference.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running inference engine: the configured models, the active one, and the worker that serves requests.
 * Every method is safe to call from any thread and none blocks on generation.
 */
public interface Engine extends AutoCloseable {

    /**
     * Loads {@code options}' default model (reporting progress) and starts the worker.
     *
     * @throws ModelLoadException naming the file and the problem when the model cannot be loaded
     */
    static Engine start(EngineOptions options, LoadProgressListener progress) {
        return dev.pocketllama.inference.worker.LocalEngine.start(options, progress);
    }

    /**
     * Queues a request. Events reach {@code listener} one at a time and in order, on the engine's worker thread, or,
     * for queue changes (a position, a cancel while waiting), on the thread that submitted or cancelled; so it must
     * not block. The last event is always one {@link GenerationEvent.Finished}. A request over a queue limit is not
     * thrown at: it finishes at once with {@link FinishReason#REFUSED} and a reason to show the user.
     */
    Generation submit(GenerationRequest request, GenerationListener listener);

    /** Every configured model, in configuration order. */
    List<ModelInfo> models();

    /** The model new requests go to. */
    ModelInfo activeModel();

    /**
     * Queues a switch to the named model: it is loaded with progress reported to {@code progress}, new requests
     * go to it, running ones finish on the old one. Completes exceptionally (and the current model keeps serving)
     * when the name is unknown or the file cannot be loaded. Switching to the active model completes at once.
     */
    CompletableFuture<ModelInfo> switchModel(String name, LoadProgressListener progress);

    /** Exact number of prompt tokens the active model would see for this conversation, template included. */
    int countPromptTokens(List<ChatMessage> conversation);

    /** A snapshot for {@code /status}. */
    EngineStatus status();

    /** Cancels everything queued or running and releases the models. */
    @Override
    void close();
}
