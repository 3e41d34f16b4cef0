package dev.pocketllama.app;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pocketllama tokenize}: the same flags, meaning and output as llama.cpp's {@code llama-tokenize}, so the two
 * can be compared by script. Only the vocabulary is read; the file may be a full model or a vocab-only GGUF.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a prompt, as llama.cpp's llama-tokenize does.")
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model or vocabulary file.")
    Path model;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The text to tokenize.")
        String prompt;
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from a file.")
        Path file;
        @Option(names = "--stdin", description = "Read the text from standard input.")
        boolean stdin;
    }

    @Option(names = "--ids", description = "Print only the ids, as [1, 2, 3].")
    boolean idsOnly;

    @Option(names = "--no-bos", description = "Do not add BOS even if the vocabulary asks for it.")
    boolean noBos;

    @Option(names = "--no-parse-special", description = "Treat special-token text such as </s> as plain text.")
    boolean noParseSpecial;

    @Option(names = "--no-escape", description = "Do not turn \\n, \\t, \\xNN... in the prompt into characters.")
    boolean noEscape;

    @Option(names = "--show-count", description = "Also print the number of tokens.")
    boolean showCount;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    public TokenizeCommand() {
        this(System.in, System.out, System.err);
    }

    TokenizeCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = new Tokenizer(Vocabulary.from(file));
        } catch (ModelLoadException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        }
        byte[] text = source.stdin ? in.readAllBytes()
                : source.file != null ? readFile(source.file)
                : source.prompt.getBytes(StandardCharsets.UTF_8);
        if (text == null) return 1;
        if (!noEscape) text = processEscapes(text);
        int[] ids = tokenizer.encodeBytes(text, !noBos, !noParseSpecial);
        print(tokenizer, ids);
        return 0;
    }

    private byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("Error: cannot read the prompt file " + file + " (" + e.getMessage() + ")");
            return null;
        }
    }

    private void print(Tokenizer tokenizer, int[] ids) {
        if (idsOnly) {
            var sb = new StringBuilder("[");
            for (int i = 0; i < ids.length; i++) sb.append(i > 0 ? ", " : "").append(ids[i]);
            out.println(sb.append(']'));
        } else {
            for (int id : ids) {
                // Pieces are raw bytes: a byte token may be part of a character, and llama-tokenize prints it as is.
                out.print(String.format("%6d -> '", id));
                byte[] piece = tokenizer.piece(id, true);
                out.write(piece, 0, piece.length);
                out.println("'");
            }
        }
        if (showCount) out.println("Total number of tokens: " + ids.length);
        out.flush();
    }

    /** llama.cpp's escape processing: \n \r \t \' \" \\ and \xNN; any other backslash stays as written. */
    static byte[] processEscapes(byte[] input) {
        var out = new ByteArrayOutputStream(input.length);
        for (int i = 0; i < input.length; i++) {
            if (input[i] != '\\' || i + 1 >= input.length) {
                out.write(input[i]);
                continue;
            }
            byte c = input[++i];
            switch (c) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\'', '"', '\\' -> out.write(c);
                case 'x' -> {
                    if (i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
                        out.write(Integer.parseInt(new String(input, i + 1, 2, StandardCharsets.US_ASCII), 16));
                        i += 2;
                    } else {
                        out.write('\\');
                        out.write(c);
                    }
                }
                default -> {
                    out.write('\\');
                    out.write(c);
                }
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
