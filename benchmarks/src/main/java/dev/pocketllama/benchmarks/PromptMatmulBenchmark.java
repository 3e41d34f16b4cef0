package dev.pocketllama.benchmarks;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.tensor.Activation;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * A prompt chunk's product with one weight matrix (2048x2048, TinyLlama's attention shape): every token's input
 * times every row, as one matrix-matrix product and, for comparison, as one matrix-vector product per token.
 * {@code weightBytes} counts the matrix once per chunk, so it is the bytes a chunk covers per second; ops/s times
 * {@code tokens} is tokens per second through this matrix.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PromptMatmulBenchmark {

    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16"})
    public String type;

    /** Tokens in the chunk (the engine prefills 64 at a time). */
    @Param({"64"})
    public int tokens;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private KernelPool pool;
    private WeightMatrix matrix;
    private Activation[] inputs;
    private float[][] outs;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        matrix = RandomWeights.matrix(GgmlType.valueOf(type), 2048, 2048, arena, 1);
        inputs = new Activation[tokens];
        outs = new float[tokens][matrix.rows()];
        for (int t = 0; t < tokens; t++) inputs[t] = RandomWeights.activation(matrix.columns(), 2 + t);
        pool = new KernelPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** The chunk's product: each row (or group of rows) read from memory once for all tokens. */
    @Benchmark
    public float[][] matmul(MatvecBenchmark.Streamed streamed) {
        for (Activation x : inputs) x.changed();
        matrix.matmul(inputs, outs, tokens, pool);
        streamed.weightBytes += MatvecBenchmark.bytes(matrix);
        return outs;
    }

    /** The baseline: one matrix-vector product per token, the weights streamed once per token. */
    @Benchmark
    public float[][] matvecPerToken(MatvecBenchmark.Streamed streamed) {
        for (int t = 0; t < tokens; t++) {
            inputs[t].changed();
            matrix.matvec(inputs[t], outs[t], pool);
        }
        streamed.weightBytes += MatvecBenchmark.bytes(matrix);
        return outs;
    }
}
