package dev.pocketllama.inference.chat;

import dev.pocketllama.inference.api.ChatMessage;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.tokenizer.Segment;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each format renders one fixed conversation to exact ids. How the expectations were derived: the expected text is
 * what llama.cpp's {@code llama_chat_apply_template} writes for that template (read from src/llama-chat.cpp at
 * 81ff7abe), and the expected ids are that text tokenized as llama.cpp's server does (BOS as the vocabulary wants,
 * special tokens parsed). Each test checks the rendering against both the literal ids and a tokenization of the
 * whole string by the tokenizer that passes every llama.cpp vector in ../shared, so a wrong literal cannot hide.
 */
class ChatTemplateTest {
    static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are a friendly llama."),
            ChatMessage.user("Hello!"),
            ChatMessage.assistant("Hi. How can I help?"),
            ChatMessage.user("Tell me a joke."));

    static Tokenizer load(String path) {
        try (GgufFile file = GgufFile.open(Path.of(path))) {
            return new Tokenizer(Vocabulary.from(file));
        }
    }

    static final Tokenizer LLAMA_SPM = load("../shared/vocab/ggml-vocab-llama-spm.gguf");

    /**
     * The GPT-2 vocabulary with control tokens appended after its 50257 tokens, as SmolLM (ChatML) and LLaMA 3
     * vocabularies have them; ordinary text tokenizes exactly as with GPT-2's own vocabulary.
     */
    static Tokenizer gpt2With(String pre, String bos, String... controls) {
        Map<String, Object> md;
        try (GgufFile file = GgufFile.open(Path.of("../shared/vocab/ggml-vocab-gpt-2.gguf"))) {
            md = new java.util.HashMap<>(Vocabulary.tokenizerMetadata(file));
        }
        List<String> tokens = new ArrayList<>(Arrays.asList((String[]) md.get("tokenizer.ggml.tokens")));
        int[] oldTypes = (int[]) md.get("tokenizer.ggml.token_type");
        int[] types = Arrays.copyOf(oldTypes, oldTypes.length + controls.length);
        for (int i = 0; i < controls.length; i++) {
            tokens.add(controls[i]);
            types[oldTypes.length + i] = 3;
        }
        md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.pre", pre);
        if (bos != null) md.put("tokenizer.ggml.bos_token_id", (long) tokens.indexOf(bos));
        return new Tokenizer(Vocabulary.fromMetadata(md, "gpt-2 + " + String.join(" ", controls)));
    }

    private static void assertRenders(ChatFormat format, Tokenizer tokenizer, String llamaCppText, int[] expectedIds) {
        ChatTemplate template = new ChatTemplate(format, tokenizer);
        String rendered = template.segments(CONVERSATION).stream().map(Segment::text).collect(Collectors.joining());
        assertEquals(llamaCppText, rendered, "rendered text");
        int[] ids = template.render(CONVERSATION);
        assertArrayEquals(tokenizer.encode(llamaCppText, true, true), ids, "same as tokenizing the whole string");
        assertArrayEquals(expectedIds, ids, () -> "ids " + Arrays.toString(ids));
    }

    @Test
    void llama2() {
        // <s>, ▁[ INST ] (518 25580 29962), ▁<< SY S >> <0x0A> You ... <0x0A> < </ SY S >> ..., </s> is EOS (2).
        assertRenders(ChatFormat.LLAMA2, LLAMA_SPM,
                "[INST] <<SYS>>\nYou are a friendly llama.\n<</SYS>>\n\nHello! [/INST]Hi. How can I help?</s>"
                        + "[INST] Tell me a joke. [/INST]",
                new int[] {1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13, 3492, 526, 263, 19780, 11148, 3304, 29889, 13, 29966, 829, 14816, 29903, 6778, 13, 13, 10994, 29991, 518, 29914, 25580, 29962, 18567, 29889, 1128, 508, 306, 1371, 29973, 2, 518, 25580, 29962, 24948, 592, 263, 2958, 446, 29889, 518, 29914, 25580, 29962});
    }

    @Test
    void zephyrClosesTurnsWithTheVocabularysEos() {
        // No <|endoftext|> in this vocabulary, so turns end with EOS (2); after it llama.cpp's SentencePiece rule puts
        // a space before the next text, hence ▁ (29871) before each <0x0A> (13). The <|user|> markers are plain text here.
        assertRenders(ChatFormat.ZEPHYR, LLAMA_SPM,
                "<|system|>\nYou are a friendly llama.</s>\n<|user|>\nHello!</s>\n<|assistant|>\nHi. How can I help?</s>\n"
                        + "<|user|>\nTell me a joke.</s>\n<|assistant|>\n",
                new int[] {1, 529, 29989, 5205, 29989, 29958, 13, 3492, 526, 263, 19780, 11148, 3304, 29889, 2, 29871, 13, 29966, 29989, 1792, 29989, 29958, 13, 10994, 29991, 2, 29871, 13, 29966, 29989, 465, 22137, 29989, 29958, 13, 18567, 29889, 1128, 508, 306, 1371, 29973, 2, 29871, 13, 29966, 29989, 1792, 29989, 29958, 13, 29911, 514, 592, 263, 2958, 446, 29889, 2, 29871, 13, 29966, 29989, 465, 22137, 29989, 29958, 13});
    }

    @Test
    void phi3() {
        // Phi-3's specials strip the newline after them (rstrip), so 'You' gets the leading space: ▁You (887).
        // 32006 <|system|>, 32010 <|user|>, 32001 <|assistant|>, 32007 <|end|>.
        assertRenders(ChatFormat.PHI3, load("../shared/vocab/ggml-vocab-phi-3.gguf"),
                "<|system|>\nYou are a friendly llama.<|end|>\n<|user|>\nHello!<|end|>\n<|assistant|>\nHi. How can I help?<|end|>\n"
                        + "<|user|>\nTell me a joke.<|end|>\n<|assistant|>\n",
                new int[] {1, 32006, 887, 526, 263, 19780, 11148, 3304, 29889, 32007, 32010, 15043, 29991, 32007, 32001, 6324, 29889, 1128, 508, 306, 1371, 29973, 32007, 32010, 24948, 592, 263, 2958, 446, 29889, 32007, 32001});
    }

    @Test
    void chatml() {
        // 50257 <|im_start|>, 50258 <|im_end|>, 198 Ċ (newline), 10057 system, 7220 user, 562+10167 assistant;
        // GPT-2 vocabularies add no BOS.
        assertRenders(ChatFormat.CHATML, gpt2With("gpt-2", null, "<|im_start|>", "<|im_end|>"),
                "<|im_start|>system\nYou are a friendly llama.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                        + "<|im_start|>assistant\nHi. How can I help?<|im_end|>\n<|im_start|>user\nTell me a joke.<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                new int[] {50257, 10057, 198, 1639, 389, 257, 8030, 32660, 1689, 13, 50258, 198, 50257, 7220, 198, 15496, 0, 50258, 198, 50257, 562, 10167, 198, 17250, 13, 1374, 460, 314, 1037, 30, 50258, 198, 50257, 7220, 198, 24446, 502, 257, 9707, 13, 50258, 198, 50257, 562, 10167, 198});
    }

    @Test
    void llama3() {
        // 50257 <|begin_of_text|> (BOS: llama-bpe vocabularies add it), 50258 <|start_header_id|>,
        // 50259 <|end_header_id|>, 628 ĊĊ, 50260 <|eot_id|>.
        assertRenders(ChatFormat.LLAMA3, gpt2With("llama-bpe", "<|begin_of_text|>", "<|begin_of_text|>",
                        "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"),
                "<|start_header_id|>system<|end_header_id|>\n\nYou are a friendly llama.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHi. How can I help?<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nTell me a joke.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                new int[] {50257, 50258, 10057, 50259, 628, 1639, 389, 257, 8030, 32660, 1689, 13, 50260, 50258, 7220, 50259, 628, 15496, 0, 50260, 50258, 562, 10167, 50259, 628, 17250, 13, 1374, 460, 314, 1037, 30, 50260, 50258, 7220, 50259, 628, 24446, 502, 257, 9707, 13, 50260, 50258, 562, 10167, 50259, 628});
    }

    @Test
    void raw() {
        // stories260K's 512-token vocabulary spells most words in pieces; 13 is <0x0A>.
        assertRenders(ChatFormat.RAW, load("../shared/models/stories260K.gguf"),
                "You are a friendly llama.\nHello!\nHi. How can I help?\nTell me a joke.",
                new int[] {1, 410, 452, 277, 261, 276, 261, 374, 421, 422, 278, 421, 314, 412, 426, 13, 440, 411, 306, 414, 443, 13, 440, 417, 426, 320, 327, 280, 303, 359, 281, 421, 427, 450, 13, 434, 411, 306, 284, 411, 261, 410, 449, 414, 354, 426});
    }
}
