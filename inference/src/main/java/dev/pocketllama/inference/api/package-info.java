/**
 * The engine's public contract: the only inference package other modules may use.
 *
 * <p>An {@link dev.pocketllama.inference.api.Engine} owns the loaded models and one worker that serves every
 * {@link dev.pocketllama.inference.api.GenerationRequest} from any thread; progress reaches the caller as
 * {@link dev.pocketllama.inference.api.GenerationEvent}s, and a {@link dev.pocketllama.inference.api.Generation}
 * handle cancels.
 */
package dev.pocketllama.inference.api;
