package dev.pocketllama.inference.api;

import java.nio.file.Path;

/**
 * A configured model, as {@code /models} shows it.
 *
 * @param name          the name from the configuration
 * @param path          the GGUF file
 * @param fileSizeBytes size of the file
 * @param quantMix      tensor types by share of weights, e.g. "Q4_K 71%, Q6_K 22%, F32 7%"; empty until inspected
 * @param parameters    number of weights; 0 until inspected
 * @param contextLength tokens of context the engine gives each conversation
 * @param template      the chat template in use (llama2, llama3, chatml, zephyr, raw)
 * @param loaded        whether the model is mapped now
 */
public record ModelInfo(String name, Path path, long fileSizeBytes, String quantMix, long parameters,
                        int contextLength, String template, boolean loaded) { }
