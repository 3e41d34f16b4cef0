package dev.pocketllama.benchmarks;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import dev.pocketllama.inference.tensor.Activation;
import dev.pocketllama.inference.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Weight matrices of random blocks in native memory (as a mapped file is), for the kernel benchmarks: the values do
 * not change the work, only the type and shape do.
 */
final class RandomWeights {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private RandomWeights() { }

    /** A {@code rows x columns} matrix of {@code type}, allocated in {@code arena}. */
    static WeightMatrix matrix(GgmlType type, int rows, int columns, Arena arena, long seed) {
        Random random = new Random(seed);
        long bytes = type.byteSize((long) rows * columns);
        MemorySegment data = arena.allocate(bytes, 64);
        for (long at = 0; at < bytes; at += type.blockBytes()) fillBlock(type, data, at, random);
        return WeightMatrix.of(new GgufTensorInfo("bench", type, new long[] {columns, rows}, 0), data, "benchmark");
    }

    /** Random quant bytes with small positive F16 scales where the block has them. */
    private static void fillBlock(GgmlType type, MemorySegment data, long at, Random random) {
        for (long i = 0; i < type.blockBytes(); i++) data.set(ValueLayout.JAVA_BYTE, at + i, (byte) random.nextInt(256));
        switch (type) {
            case F16 -> data.set(F16, at, Float.floatToFloat16((float) random.nextGaussian()));
            case Q4_0, Q8_0 -> data.set(F16, at, Float.floatToFloat16(random.nextFloat() * 0.02f));
            case Q4_K -> {
                data.set(F16, at, Float.floatToFloat16(random.nextFloat() * 0.01f));
                data.set(F16, at + 2, Float.floatToFloat16(random.nextFloat() * 0.01f));
            }
            case Q6_K -> data.set(F16, at + 208, Float.floatToFloat16(random.nextFloat() * 0.001f));
            default -> throw new IllegalArgumentException("no random blocks for " + type);
        }
    }

    /** An activation of Gaussian values, as a normalised hidden state looks. */
    static Activation activation(int length, long seed) {
        Random random = new Random(seed);
        Activation a = new Activation(length);
        for (int i = 0; i < length; i++) a.values()[i] = (float) random.nextGaussian();
        a.changed();
        return a;
    }
}
