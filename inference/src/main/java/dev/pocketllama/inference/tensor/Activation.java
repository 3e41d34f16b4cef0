package dev.pocketllama.inference.tensor;

/**
 * The input vector of matrix-vector products, with the encodings weight types multiply it in, each computed once and
 * reused by every row (and by every matrix reading the same input). llama.cpp multiplies quantized weights with the
 * input quantized to Q8_0 blocks and F16 weights with the input rounded to F16; doing the same reproduces its results.
 * Call {@link #changed()} after writing to {@link #values()}.
 */
public final class Activation {
    static final int Q8_0_BLOCK = 32;

    private final float[] values;
    private final float[] f16Values;
    /** Q8_0 quants, held as shorts: the kernels multiply them with weights widened to 16 bits. */
    private final short[] q8Quants;
    /** The same quants as {@link #q8_0QuantPairs}. */
    private final int[] q8QuantPairs;
    /** The same quants as floats, for the batched kernels that multiply in floats ({@link TileProducts}). */
    private final float[] q8QuantFloats;
    private final float[] q8Scales;
    /**
     * Per block, -8 times the sum of its quants (at most 8 * 32 * 127 in magnitude, so a short). The Q4_0 kernel
     * starts each block's sum of unsigned nibbles times quants from it, which gives exactly the dot of the nibbles
     * minus 8 without subtracting 8 from every nibble.
     */
    private final short[] q8MinusEightSums;
    private boolean f16Ready;
    private boolean q8Ready;
    private float[] bf16Values;
    private Q8_KInput q8K;
    private boolean bf16Ready;
    private boolean q8KReady;

    public Activation(int length) {
        values = new float[length];
        f16Values = new float[length];
        q8Quants = new short[length];
        q8QuantPairs = new int[length];
        q8QuantFloats = new float[length];
        q8Scales = new float[(length + Q8_0_BLOCK - 1) / Q8_0_BLOCK];
        q8MinusEightSums = new short[q8Scales.length];
    }

    /** An activation holding a copy of {@code x}. */
    public static Activation of(float[] x) {
        Activation a = new Activation(x.length);
        System.arraycopy(x, 0, a.values, 0, x.length);
        return a;
    }

    public int length() { return values.length; }

    /** The float values; write into this array and then call {@link #changed()}. */
    public float[] values() { return values; }

    /** Forgets the cached encodings after {@link #values()} changed. */
    public void changed() {
        f16Ready = false;
        q8Ready = false;
        bf16Ready = false;
        q8KReady = false;
    }

    /** The values rounded to F16 (and widened back), as llama.cpp feeds F16 weights. */
    public float[] f16() {
        if (!f16Ready) {
            for (int i = 0; i < values.length; i++) f16Values[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
            f16Ready = true;
        }
        return f16Values;
    }

    /** The values rounded to BF16 (nearest even, NaN kept quiet) and widened back, as llama.cpp feeds BF16 weights. */
    public float[] bf16() {
        if (!bf16Ready) {
            if (bf16Values == null) bf16Values = new float[values.length];
            for (int i = 0; i < values.length; i++) bf16Values[i] = BF16Matrix.round(values[i]);
            bf16Ready = true;
        }
        return bf16Values;
    }

    /** Q8_K quantization (length a multiple of 256), allocated on first use. */
    Q8_KInput q8_K() {
        if (!q8KReady) {
            if (q8K == null) q8K = new Q8_KInput(values.length);
            q8K.encode(values);
            q8KReady = true;
        }
        return q8K;
    }

    /** Q8_0 quantization: per 32-value block, int8 quants (held as shorts) ... */
    public short[] q8_0Quants() {
        quantizeQ8_0();
        return q8Quants;
    }

    /** ... and the block scales, rounded to F16 as the Q8_0 format stores them. */
    public float[] q8_0Scales() {
        quantizeQ8_0();
        return q8Scales;
    }

    /**
     * Each Q8_0 quant in both halves of an int, for the Q4_0 kernels, which multiply in 16 bits: broadcast as an int,
     * it fills every 16-bit lane with one load, where broadcasting a short costs a shuffle as well.
     */
    int[] q8_0QuantPairs() {
        quantizeQ8_0();
        return q8QuantPairs;
    }

    /** The Q8_0 quants as floats. */
    float[] q8_0QuantFloats() {
        quantizeQ8_0();
        return q8QuantFloats;
    }

    /** The Q8_0 quantization's per-block corrections for Q4_0's offset of 8. */
    short[] q8_0MinusEightSums() {
        quantizeQ8_0();
        return q8MinusEightSums;
    }

    /**
     * Each block's scale maps its largest magnitude to 127; values round to nearest even (llama.cpp's x86 path
     * rounds with {@code _MM_ROUND_NEAREST} and takes {@code 127 / max} as the inverse scale).
     */
    private void quantizeQ8_0() {
        if (q8Ready) return;
        for (int block = 0; block < q8Scales.length; block++) {
            int from = block * Q8_0_BLOCK;
            int to = Math.min(values.length, from + Q8_0_BLOCK);
            float max = 0;
            for (int i = from; i < to; i++) max = Math.max(max, Math.abs(values[i]));
            float inverse = max != 0 ? 127f / max : 0f;
            for (int i = from; i < to; i++) q8Quants[i] = (short) Math.rint(values[i] * inverse);
            q8Scales[block] = Float.float16ToFloat(Float.floatToFloat16(max / 127f));
            int sum = 0;
            for (int i = from; i < to; i++) sum += q8Quants[i];
            q8MinusEightSums[block] = (short) (-8 * sum);
        }
        // loops of their own, simple enough for the JIT to vectorise
        for (int i = 0; i < values.length; i++) q8QuantFloats[i] = q8Quants[i];
        for (int i = 0; i < values.length; i++) q8QuantPairs[i] = (q8Quants[i] & 0xFFFF) * 0x10001;
        q8Ready = true;
    }
}
