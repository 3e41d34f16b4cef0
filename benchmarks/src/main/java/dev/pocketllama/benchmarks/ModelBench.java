package dev.pocketllama.benchmarks;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.llama.LlamaModel;
import dev.pocketllama.inference.llama.Sequence;
import dev.pocketllama.inference.llama.Transformer;
import dev.pocketllama.inference.tensor.KernelPool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Whole-model speed measured the way llama.cpp's {@code llama-bench} does, for side-by-side runs on the same file:
 * {@code ppN} feeds N random tokens to an empty context, {@code tgN} generates N tokens one at a time from an empty
 * context; each test runs once to warm up, then {@code -r} times, and prints tokens/s as mean ± sd.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.pocketllama.benchmarks.ModelBench --model /tmp/tl-Q4_0.gguf -p 128 -n 64 -r 3 -t 2</pre>
 */
public final class ModelBench {

    private ModelBench() { }

    public static void main(String[] args) {
        Path model = null;
        List<Integer> prompts = new ArrayList<>(List.of(128));
        int generate = 64;
        int repetitions = 3;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model", "-m" -> model = Path.of(args[++i]);
                case "-p" -> {
                    prompts.clear();
                    for (String p : args[++i].split(",")) if (!p.isBlank() && !p.equals("0")) prompts.add(Integer.parseInt(p));
                }
                case "-n" -> generate = Integer.parseInt(args[++i]);
                case "-r" -> repetitions = Integer.parseInt(args[++i]);
                case "-t" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --model F [-p 128,512] [-n 64] [-r 3] [-t THREADS])");
            }
        }
        if (model == null) throw new IllegalArgumentException("--model F is required");
        long loadStart = System.nanoTime();
        try (LlamaModel m = LlamaModel.load(model, LoadProgressListener.NONE); KernelPool pool = new KernelPool(threads)) {
            System.out.printf("loaded %s in %.0f ms%n", model.getFileName(), (System.nanoTime() - loadStart) / 1e6);
            Transformer transformer = new Transformer(m, pool);
            int longest = Math.max(generate, prompts.stream().mapToInt(Integer::intValue).max().orElse(0));
            Sequence s = transformer.newSequence(longest + 1);
            Random random = new Random(42);
            System.out.println("| model | threads | test | t/s |");
            System.out.println("| --- | ---: | ---: | ---: |");
            for (int p : prompts) report(model, threads, "pp" + p, run(transformer, s, p, repetitions, random));
            if (generate > 0) report(model, threads, "tg" + generate, run(transformer, s, generate, repetitions, random));
        }
    }

    /** Tokens/s of each repetition, after one warm-up run. */
    private static double[] run(Transformer transformer, Sequence s, int tokens, int repetitions, Random random) {
        double[] perSecond = new double[repetitions];
        for (int r = -1; r < repetitions; r++) {
            s.reset();
            long start = System.nanoTime();
            for (int i = 0; i < tokens; i++) transformer.forward(s, random.nextInt(transformer.model().config().vocabSize()));
            if (r >= 0) perSecond[r] = tokens * 1e9 / (System.nanoTime() - start);
        }
        return perSecond;
    }

    private static void report(Path model, int threads, String test, double[] perSecond) {
        double mean = 0;
        for (double v : perSecond) mean += v / perSecond.length;
        double variance = 0;
        for (double v : perSecond) variance += (v - mean) * (v - mean) / Math.max(1, perSecond.length - 1);
        System.out.printf("| %s | %d | %s | %.2f ± %.2f |%n", model.getFileName(), threads, test, mean, Math.sqrt(variance));
    }
}
