package dev.pocketllama.benchmarks;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.tensor.Activation;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One token's matrix-vector product (the decode step) per kernel, on TinyLlama-1.1B's shapes: the input is
 * re-encoded each time (as after every layer), and {@code weightBytes} reports the weights streamed per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatvecBenchmark {

    /** GGML type of the weights. */
    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16"})
    public String type;

    /** rows x columns: attention/q (2048x2048), feed-forward gate/up (5632x2048) and down (2048x5632). */
    @Param({"2048x2048", "5632x2048", "2048x5632"})
    public String shape;

    /** Kernel threads (the caller is one of them). */
    @Param({"1"})
    public int threads;

    private Arena arena;
    private KernelPool pool;
    WeightMatrix matrix;
    private Activation input;
    private float[] out;

    /** Weights streamed: JMH prints it as a rate, bytes per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Streamed {
        public long weightBytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        arena = Arena.ofShared();
        matrix = RandomWeights.matrix(GgmlType.valueOf(type), Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), arena, 1);
        input = RandomWeights.activation(matrix.columns(), 2);
        out = new float[matrix.rows()];
        pool = new KernelPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    static long bytes(WeightMatrix m) { return m.type().byteSize((long) m.rows() * m.columns()); }

    @Benchmark
    public float[] matvec(Streamed streamed) {
        input.changed();
        matrix.matvec(input, out, pool);
        streamed.weightBytes += bytes(matrix);
        return out;
    }
}
