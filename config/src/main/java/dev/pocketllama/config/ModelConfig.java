package dev.pocketllama.config;

/**
 * One model operators may switch to.
 *
 * @param name          how admins name it in {@code /model NAME}
 * @param path          the GGUF file
 * @param template      auto, llama2, llama3, chatml, zephyr or raw
 * @param contextLength tokens of context; 0 takes the file's
 * @param sampling      overrides of the global sampling settings; null keeps them
 */
public record ModelConfig(String name, String path, String template, int contextLength, SamplingConfig sampling) { }
