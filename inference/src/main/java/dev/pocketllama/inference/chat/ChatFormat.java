package dev.pocketllama.inference.chat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The prompt formats Pocket Llama can write. Each renders turns the way llama.cpp's built-in template of the same
 * name does ({@code llama_chat_apply_template}); {@link #RAW} is plain text for base models.
 */
public enum ChatFormat {
    /** Turns' texts joined by newlines, no markup: what a base model such as stories260K continues. */
    RAW,
    /** LLaMA 2 chat: {@code [INST] <<SYS>>\n...\n<</SYS>>\n\nquestion [/INST]answer</s>[INST] ...}. */
    LLAMA2,
    /** LLaMA 3 instruct: {@code <|start_header_id|>role<|end_header_id|>\n\ntext<|eot_id|>}. */
    LLAMA3,
    /** ChatML (SmolLM, Qwen, TinyLlama-chat 0.x): {@code <|im_start|>role\ntext<|im_end|>\n}. */
    CHATML,
    /** Zephyr (TinyLlama-chat 1.0, zephyr-7b): {@code <|role|>\ntext</s>\n}, with the vocabulary's end token. */
    ZEPHYR,
    /** Phi-3: {@code <|role|>\ntext<|end|>\n}. */
    PHI3;

    /** The name used in configuration and on the command line. */
    public String configName() { return name().toLowerCase(Locale.ROOT); }

    public static Optional<ChatFormat> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.configName().equalsIgnoreCase(name.strip())).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(ChatFormat::configName).collect(Collectors.joining(", "));
    }
}
