package dev.pocketllama.inference.chat;

import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.tokenizer.Tokenizer;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Picks a model's chat format: the one named in configuration, or with {@code auto} the one its GGUF's
 * {@code tokenizer.chat_template} (a Jinja template) is recognised as, by the distinctive markers of the well-known
 * templates, the way llama.cpp recognises them. A template we do not know falls back to {@link ChatFormat#RAW}
 * with a warning; a model without a template is a base model and gets RAW silently.
 */
public final class ChatTemplates {
    public static final String AUTO = "auto";

    private ChatTemplates() { }

    /** As {@link #detect(String, String, Tokenizer, Consumer)} with the template stored in {@code file}. */
    public static ChatTemplate detect(String configured, GgufFile file, Tokenizer tokenizer, Consumer<String> warnings) {
        String jinja = file.metadata().findString("tokenizer.chat_template").orElse(null);
        return detect(configured, jinja, tokenizer, message -> warnings.accept(file.path().getFileName() + ": " + message));
    }

    /**
     * @param configured {@code auto} or a format name ({@link ChatFormat#configName()})
     * @param jinja      the model's {@code tokenizer.chat_template}, or null when it has none
     * @throws IllegalArgumentException when {@code configured} names no format
     */
    public static ChatTemplate detect(String configured, String jinja, Tokenizer tokenizer, Consumer<String> warnings) {
        if (configured != null && !configured.isBlank() && !configured.strip().equalsIgnoreCase(AUTO)) {
            ChatFormat named = ChatFormat.byName(configured).orElseThrow(() -> new IllegalArgumentException(
                    "chat template '" + configured + "' is unknown; use auto or one of: " + ChatFormat.names()));
            return new ChatTemplate(named, tokenizer);
        }
        if (jinja == null || jinja.isBlank()) return new ChatTemplate(ChatFormat.RAW, tokenizer);
        return new ChatTemplate(recognise(jinja).orElseGet(() -> {
            warnings.accept("the model's chat template (tokenizer.chat_template) is not one Pocket Llama recognises; "
                    + "using raw (turns joined by newlines). Set the model's template to one of: " + ChatFormat.names());
            return ChatFormat.RAW;
        }), tokenizer);
    }

    /** The format a Jinja chat template writes, judged by its markers. */
    static Optional<ChatFormat> recognise(String jinja) {
        if (jinja.contains("<|im_start|>")) return Optional.of(ChatFormat.CHATML);
        if (jinja.contains("<|start_header_id|>") && jinja.contains("<|end_header_id|>")) {
            return Optional.of(ChatFormat.LLAMA3);
        }
        if (jinja.contains("[INST]")) return Optional.of(ChatFormat.LLAMA2);
        if (jinja.contains("<|user|>") && jinja.contains("<|end|>")) return Optional.of(ChatFormat.PHI3);
        if (jinja.contains("<|user|>") && jinja.contains("<|assistant|>")) return Optional.of(ChatFormat.ZEPHYR);
        return Optional.empty();
    }
}
