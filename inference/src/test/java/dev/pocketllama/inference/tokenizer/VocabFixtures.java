package dev.pocketllama.inference.tokenizer;

import dev.pocketllama.inference.gguf.GgufFile;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokenizers of the reference GGUF files in ../shared, loaded once per test run. */
final class VocabFixtures {
    static final Path VOCAB_DIR = Path.of("../shared/vocab");
    static final Path MODEL_DIR = Path.of("../shared/models");
    private static final Map<Path, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private VocabFixtures() { }

    static Tokenizer tokenizer(Path gguf) {
        return LOADED.computeIfAbsent(gguf, p -> {
            try (GgufFile file = GgufFile.open(p)) {
                return new Tokenizer(Vocabulary.from(file));
            }
        });
    }

    static Tokenizer llamaSpm() { return tokenizer(VOCAB_DIR.resolve("ggml-vocab-llama-spm.gguf")); }

    static Tokenizer phi3() { return tokenizer(VOCAB_DIR.resolve("ggml-vocab-phi-3.gguf")); }

    static Tokenizer gpt2() { return tokenizer(VOCAB_DIR.resolve("ggml-vocab-gpt-2.gguf")); }

    static Tokenizer stories() { return tokenizer(MODEL_DIR.resolve("stories260K.gguf")); }
}
