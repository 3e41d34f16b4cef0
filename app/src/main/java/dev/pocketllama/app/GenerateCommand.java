package dev.pocketllama.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pocketllama.inference.api.Engine;
import dev.pocketllama.inference.api.EngineOptions;
import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationRequest;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.api.ModelSpec;
import dev.pocketllama.inference.api.Prompt;
import dev.pocketllama.inference.api.SamplingParams;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.tokenizer.Tokenizer;
import dev.pocketllama.inference.tokenizer.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code generate}: continue a prompt and print only the generated text as it streams, like llama.cpp's CLI. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt; prints only the generated text, streamed.")
final class GenerateCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model file")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, description = "text to continue")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "128", description = "tokens to generate (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--temp", defaultValue = "0.8", description = "temperature; 0 is greedy (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40") int topK;
    @Option(names = "--top-p", defaultValue = "0.95") double topP;
    @Option(names = "--min-p", defaultValue = "0.05") double minP;
    @Option(names = "--repeat-penalty", defaultValue = "1.0") double repeatPenalty;
    @Option(names = "--repeat-last-n", defaultValue = "64") int repeatLastN;

    @Option(names = {"-s", "--seed"}, description = "random seed (default: a new one each run)")
    Long seed;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "kernel threads; 0 uses every core")
    int threads;

    @Option(names = "--weight-cache", defaultValue = "auto", paramLabel = "DIR|auto|off",
            description = "Where the first load saves the weights in the kernels' layout for later loads to map: a "
                    + "directory, auto ($XDG_CACHE_HOME/pocketllama, else ~/.cache/pocketllama) or off (default: ${DEFAULT-VALUE}).")
    String weightCache;

    @Option(names = "--json", description = "end with one line of JSON: prompt_ids, ids, text, prompt_tokens_per_second, tokens_per_second")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (tokens < 1) {
            err.println("generate: -n must be at least 1, was " + tokens);
            return 2;
        }
        int[] promptIds;
        try (GgufFile file = GgufFile.open(model)) {
            promptIds = new Tokenizer(Vocabulary.from(file)).encode(prompt, true, true);
        } catch (ModelLoadException e) {
            err.println("generate: " + e.getMessage());
            return 1;
        }
        var sampling = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                seed != null ? seed : System.nanoTime());
        var options = new EngineOptions(List.of(new ModelSpec("model", model, "raw", 0)), "model", threads, 1, 1, 1, 0,
                WeightCacheSetting.directory(weightCache));
        List<Integer> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        GenerationEvent.Finished finished;
        try (Engine engine = Engine.start(options, LoadProgressBar.forFile(Files.size(model), new java.io.PrintStream(System.err)))) {
            var request = new GenerationRequest("cli", null, new Prompt.Tokens(Arrays.stream(promptIds).boxed().toList()), sampling, tokens);
            finished = engine.submit(request, event -> {
                if (event instanceof GenerationEvent.Token t) {
                    ids.add(t.id());
                    text.append(t.text());
                    out.print(t.text());
                    out.flush();
                }
            }).finished().get();
        } catch (ModelLoadException e) {
            err.println("generate: " + e.getMessage());
            return 1;
        }
        if (!finished.message().isEmpty()) err.println("generate: " + finished.reason() + ": " + finished.message());
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("prompt_ids", promptIds);
            result.put("ids", ids);
            result.put("text", text.toString());
            result.put("prompt_tokens_per_second", finished.stats().promptTokensPerSecond());
            result.put("tokens_per_second", finished.stats().tokensPerSecond());
            out.println();
            out.println(new ObjectMapper().writeValueAsString(result));
        } else {
            out.println();
            err.printf("%d prompt tokens at %.1f tokens/s, %d generated at %.1f tokens/s%n", promptIds.length,
                    finished.stats().promptTokensPerSecond(), ids.size(), finished.stats().tokensPerSecond());
        }
        out.flush();
        return finished.reason() == dev.pocketllama.inference.api.FinishReason.ERROR ? 1 : 0;
    }
}
