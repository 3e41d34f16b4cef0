package dev.pocketllama.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pocketllama tokenize}, run in-process through Main's command line, against llama-tokenize's own output. */
class TokenizeCommandTest {

    private record Run(int exitCode, String out, String err) { }

    private static Run run(byte[] stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == TokenizeCommand.class) {
                    return cls.cast(new TokenizeCommand(new ByteArrayInputStream(stdin),
                            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        int code = new CommandLine(new Main(), factory).execute(Stream.concat(Stream.of("tokenize"), Stream.of(args))
                .toArray(String[]::new));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void idsArePrintedLikeLlamaTokenize() {
        Run r = run(new byte[0], "--model", "../shared/models/stories260K.gguf", "--prompt", "Once upon a time", "--ids");
        assertEquals(0, r.exitCode, r.err);
        assertEquals("[1, 403, 407, 261, 378]\n", r.out);
        assertEquals("[403, 407, 261, 378]\n",
                run(new byte[0], "-m", "../shared/models/stories260K.gguf", "-p", "Once upon a time", "--ids", "--no-bos").out);
    }

    @Test
    void withoutIdsEachTokenIsListedWithItsPiece() {
        Run r = run(new byte[0], "--model", "../shared/vocab/ggml-vocab-llama-spm.gguf", "--prompt", "Hello world\\n</s>",
                "--show-count");
        assertEquals(0, r.exitCode, r.err);
        assertEquals("     1 -> '<s>'\n 15043 -> ' Hello'\n  3186 -> ' world'\n    13 -> '\n'\n     2 -> '</s>'\n"
                + "Total number of tokens: 5\n", r.out);
    }

    @Test
    void everyLlamaTokenizeCaseMatchesThroughStdin() throws IOException {
        for (String json : List.of("../shared/models/tokenize-stories260K.json", "../shared/vocab/tokenize-llama-spm.json",
                "../shared/vocab/tokenize-gpt-2.json")) {
            JsonNode root = new ObjectMapper().readTree(Path.of(json).toFile());
            String model = Path.of(json).resolveSibling(root.get("model").asText()).toString();
            for (JsonNode c : root.get("cases")) {
                byte[] text = HexFormat.of().parseHex(c.get("text_utf8_hex").asText());
                assertEquals(c.get("ids_add_bos_parse_special").toString().replace(",", ", ") + "\n",
                        run(text, "-m", model, "--stdin", "--ids", "--no-escape").out, json + " " + c.get("text"));
                assertEquals(c.get("ids_no_bos_no_parse_special").toString().replace(",", ", ") + "\n",
                        run(text, "-m", model, "--stdin", "--ids", "--no-escape", "--no-bos", "--no-parse-special").out,
                        json + " " + c.get("text"));
            }
        }
    }

    @Test
    void escapesInThePromptAreProcessedUnlessDisabled() {
        String model = "../shared/vocab/ggml-vocab-gpt-2.gguf";
        String escaped = run(new byte[0], "-m", model, "-p", "a\\nb\\x41", "--ids").out;
        assertEquals(run("a\nbA".getBytes(StandardCharsets.UTF_8), "-m", model, "--stdin", "--ids", "--no-escape").out, escaped);
        // a, \, nb, \, x, 41: the backslashes stay text.
        assertEquals("[64, 59, 46803, 59, 87, 3901]\n", run(new byte[0], "-m", model, "-p", "a\\nb\\x41", "--ids", "--no-escape").out);
    }

    @Test
    void worksOnEveryGgufInShared() throws IOException {
        List<Path> files;
        try (Stream<Path> models = Files.list(Path.of("../shared/models")); Stream<Path> vocab = Files.list(Path.of("../shared/vocab"))) {
            files = Stream.concat(models, vocab).filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        assertTrue(files.size() >= 8, files.toString());
        for (Path f : files) {
            Run r = run(new byte[0], "-m", f.toString(), "-p", "Hello world", "--ids");
            if (f.getFileName().toString().equals("quant-fixture.gguf")) {
                assertEquals(1, r.exitCode);
                assertTrue(r.err.contains("quant-fixture.gguf") && r.err.contains("has no tokenizer"), r.err);
            } else {
                assertEquals(0, r.exitCode, f + ": " + r.err);
                assertTrue(r.out.matches("\\[\\d+(, \\d+)*]\n"), f + ": " + r.out);
            }
        }
    }

    @Test
    void aMissingPromptOrModelIsAUsageError() {
        Run r = run(new byte[0], "-m", "../shared/models/stories260K.gguf");
        assertEquals(2, r.exitCode);
        Run missing = run(new byte[0], "-m", "../shared/models/nope.gguf", "-p", "x");
        assertEquals(1, missing.exitCode);
        assertTrue(missing.err.contains("nope.gguf"), missing.err);
    }
}
