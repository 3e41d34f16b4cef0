package dev.pocketllama.inference.tensor;

/**
 * The input vector quantized to Q8_K, as llama.cpp's CPU backend feeds Q4_K and Q6_K weights: per 256-value block a
 * float scale, int8 quants and the sums of each 16 quants, which let the kernels apply the weights'
 * offsets (Q4_K's mins, Q6_K's -32) once per group instead of once per value.
 */
final class Q8_KInput {
    static final int BLOCK = 256;
    static final int GROUP = 16;

    /** Int8 quants held as shorts, the width the kernels multiply in. */
    final short[] quants;
    /** Each quant in both halves of an int, as {@link Activation#q8_0QuantPairs} holds Q8_0's. */
    final int[] quantPairs;
    /** The same quants as floats, for the batched kernels that multiply in floats ({@link TileProducts}). */
    final float[] quantFloats;
    final float[] scales;
    /** Sum of the quants of each 16-value group, {@code BLOCK / GROUP} per block. */
    final int[] groupSums;

    Q8_KInput(int length) {
        if (length % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_K needs a multiple of " + BLOCK + " values, was " + length);
        }
        quants = new short[length];
        quantPairs = new int[length];
        quantFloats = new float[length];
        scales = new float[length / BLOCK];
        groupSums = new int[length / GROUP];
    }

    /**
     * llama.cpp's reference Q8_K quantization: the value of largest magnitude maps to -127 (so the scale keeps its
     * sign), quants round half to even, and the block scale is the exact float inverse, not rounded to F16.
     */
    void encode(float[] values) {
        for (int block = 0; block < scales.length; block++) {
            int from = block * BLOCK;
            float max = 0;
            float amax = 0;
            for (int i = from; i < from + BLOCK; i++) {
                float ax = Math.abs(values[i]);
                if (ax > amax) {
                    amax = ax;
                    max = values[i];
                }
            }
            if (amax == 0) {
                scales[block] = 0;
                java.util.Arrays.fill(quants, from, from + BLOCK, (short) 0);
                java.util.Arrays.fill(quantPairs, from, from + BLOCK, 0);
                java.util.Arrays.fill(quantFloats, from, from + BLOCK, 0f);
                java.util.Arrays.fill(groupSums, from / GROUP, (from + BLOCK) / GROUP, 0);
                continue;
            }
            float inverse = -127f / max;
            for (int i = from; i < from + BLOCK; i++) quants[i] = (short) Math.min(127, (int) Math.rint(inverse * values[i]));
            for (int i = from; i < from + BLOCK; i++) quantPairs[i] = (quants[i] & 0xFFFF) * 0x10001;
            for (int i = from; i < from + BLOCK; i++) quantFloats[i] = quants[i];
            for (int g = from / GROUP; g < (from + BLOCK) / GROUP; g++) {
                int sum = 0;
                for (int i = g * GROUP; i < (g + 1) * GROUP; i++) sum += quants[i];
                groupSums[g] = sum;
            }
            scales[block] = 1 / inverse;
        }
    }
}
