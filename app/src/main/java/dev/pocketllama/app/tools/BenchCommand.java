package dev.pocketllama.app.tools;

import dev.pocketllama.app.WeightCacheSetting;
import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.llama.Batch;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code pocketllama bench}: llama-bench's tests on our engine, with its flags, table and JSON fields, so the two
 * can be run on the same file and laid side by side. A pp test feeds N prompt tokens to a fresh sequence, a tg test
 * generates N tokens one at a time; each runs for two seconds (at least once) to warm up, then {@code -r} timed
 * times.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing and generation speed, as llama.cpp's llama-bench does.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "The GGUF model.")
    Path model;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N", description = "Thread counts (default: all cores).")
    List<Integer> threads;

    @Option(names = {"-p", "--n-prompt"}, split = ",", defaultValue = "512", paramLabel = "N",
            description = "Prompt lengths to test, 0 for none (default: ${DEFAULT-VALUE}).")
    List<Integer> prompts;

    @Option(names = {"-n", "--n-gen"}, split = ",", defaultValue = "128", paramLabel = "N",
            description = "Generation lengths to test, 0 for none (default: ${DEFAULT-VALUE}).")
    List<Integer> gens;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "5", paramLabel = "N", description = "Timed runs per test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--weight-cache", defaultValue = "auto", paramLabel = "DIR|auto|off",
            description = "Where the first load saves the weights in the kernels' layout for later loads to map: a "
                    + "directory, auto ($XDG_CACHE_HOME/pocketllama, else ~/.cache/pocketllama) or off (default: ${DEFAULT-VALUE}).")
    String weightCache;

    @Option(names = {"-o", "--output"}, defaultValue = "md", paramLabel = "md|json", description = "Output format (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--no-warmup", description = "Skip the warm-up runs before each test.")
    boolean noWarmup;

    private final PrintStream out;
    private final PrintStream err;
    /** Prompt and generated tokens are random ids, as llama-bench's are; seeded so runs are repeatable. */
    private final Random tokens = new Random(1234);

    public BenchCommand() {
        this(System.out, System.err);
    }

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!output.equals("md") && !output.equals("json")) {
            err.println("Error: -o " + output + " is not a format; use md or json");
            return 2;
        }
        if (repetitions < 1 || threads != null && threads.stream().anyMatch(t -> t < 1)
                || prompts.stream().anyMatch(p -> p < 0) || gens.stream().anyMatch(n -> n < 0)) {
            err.println("Error: -r and -t must be at least 1, -p and -n at least 0");
            return 2;
        }
        List<Integer> threadCounts = threads != null ? threads : List.of(Runtime.getRuntime().availableProcessors());
        long start = System.nanoTime();
        try (LlamaModel m = LlamaModel.load(model, WeightCacheSetting.directory(weightCache), LoadProgressListener.NONE)) {
            err.printf("loaded %s in %.2f s%s%n", model, (System.nanoTime() - start) / 1e9,
                    m.rowGroups().mapped() ? " (weights mapped from " + m.rowGroups().file() + ")" : "");
            ModelDescription description = ModelDescription.of(m.file());
            List<BenchResult> results = new ArrayList<>();
            if (output.equals("md")) BenchReport.markdownHeader(out);
            for (int t : threadCounts) {
                try (KernelPool pool = new KernelPool(t)) {
                    Transformer transformer = new Transformer(m, pool);
                    for (int p : prompts) if (p > 0) results.add(run(transformer, description, t, p, 0));
                    for (int n : gens) if (n > 0) results.add(run(transformer, description, t, 0, n));
                }
            }
            if (output.equals("md")) BenchReport.markdownFooter(out);
            else BenchReport.printJson(out, results, cpuInfo());
            return 0;
        } catch (ModelLoadException | IllegalStateException | IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }

    private BenchResult run(Transformer transformer, ModelDescription description, int threadCount, int nPrompt, int nGen) {
        int length = nPrompt + nGen;
        Sequence s = transformer.newSequence(length);
        String testTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        // the whole test, for long enough that the JIT has compiled its kernels: a test of a tiny model runs in
        // milliseconds, and once was not enough (its first ten timed runs were up to six times slower than the rest)
        long warmUpStart = System.nanoTime();
        while (!noWarmup) {
            decode(transformer, s, length, nPrompt > 0);
            if (System.nanoTime() - warmUpStart > WARM_UP_NANOS) break;
        }
        List<Long> samples = new ArrayList<>();
        for (int r = 0; r < repetitions; r++) {
            err.printf("bench: %s, %d threads, run %d/%d%n", nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen, threadCount, r + 1, repetitions);
            long t0 = System.nanoTime();
            decode(transformer, s, length, nPrompt > 0);
            samples.add(System.nanoTime() - t0);
        }
        BenchResult result = new BenchResult(model.toString(), description, threadCount, nPrompt, nGen, testTime, samples);
        if (output.equals("md")) BenchReport.markdownRow(out, result);
        return result;
    }

    /**
     * Feeds {@code count} tokens to the emptied sequence: BOS, then random ids; a prompt in chunks of the engine's
     * prefill size (one forward pass, and one read of the weights, per chunk), generation one token at a time.
     */
    private void decode(Transformer transformer, Sequence s, int count, boolean prompt) {
        s.reset();
        int vocab = transformer.model().config().vocabSize();
        int bos = transformer.model().file().metadata().getInt("tokenizer.ggml.bos_token_id", -1);
        Batch batch = prompt ? transformer.newBatch(PROMPT_CHUNK) : null;
        for (int i = 0; i < count; i++) {
            int token = i == 0 && bos >= 0 ? bos : tokens.nextInt(vocab);
            if (batch == null) {
                transformer.forward(s, token);
                continue;
            }
            batch.add(s, token, i == count - 1);
            if (batch.isFull() || i == count - 1) {
                transformer.forward(batch);
                batch.clear();
            }
        }
    }

    private static final long WARM_UP_NANOS = 2_000_000_000L;

    /** Prompt tokens per forward pass, as the engine's scheduler prefills (Scheduler.PREFILL_CHUNK). */
    private static final int PROMPT_CHUNK = 64;

    private static String cpuInfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
