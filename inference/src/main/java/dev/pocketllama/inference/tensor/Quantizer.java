package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Turns float rows into GGML blocks, for the quantize and synth tools. Q8_0, Q5_0 and Q4_0 follow llama.cpp's
 * reference quantizers (quantize_row_q8_0_ref, _q5_0_ref, _q4_0_ref) to the bit, so a file we quantize holds the same bytes as
 * one llama.cpp's llama-quantize makes; the K-quants come from {@link KQuantizer}.
 */
public final class Quantizer {
    /** Types a row can be written in. */
    public static final Set<GgmlType> TYPES =
            EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q5_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K);

    private Quantizer() { }

    /**
     * Appends {@code count} values of {@code values} from {@code offset} to {@code out} (little-endian) as
     * {@code type}; {@code count} must be a whole number of the type's blocks.
     */
    public static void quantize(GgmlType type, float[] values, int offset, int count, ByteBuffer out) {
        if (!TYPES.contains(type)) throw new IllegalArgumentException("cannot quantize to " + type + " (can: " + TYPES + ")");
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(count + " values do not divide into " + type + " blocks of " + type.blockSize());
        }
        out.order(ByteOrder.LITTLE_ENDIAN);
        for (int at = offset; at < offset + count; at += type.blockSize()) {
            switch (type) {
                case F32 -> out.putFloat(values[at]);
                case F16 -> out.putShort(Float.floatToFloat16(values[at]));
                case BF16 -> out.putShort((short) (Float.floatToRawIntBits(BF16Matrix.round(values[at])) >>> 16));
                case Q8_0 -> q8_0(values, at, out);
                case Q5_0 -> q5_0(values, at, out);
                case Q4_0 -> q4_0(values, at, out);
                case Q4_K -> KQuantizer.q4_K(values, at, out);
                case Q6_K -> KQuantizer.q6_K(values, at, out);
                default -> throw new AssertionError(type);
            }
        }
    }

    /** Scale = largest magnitude / 127 (stored F16); quants = value / scale rounded half away from zero. */
    private static void q8_0(float[] x, int at, ByteBuffer out) {
        float amax = 0;
        for (int i = at; i < at + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        out.putShort(Float.floatToFloat16(d));
        for (int i = at; i < at + 32; i++) out.put((byte) roundHalfAwayFromZero(x[i] * id));
    }

    /** C's roundf; done in double so {@code |v| + 0.5} cannot round up on its own. */
    static int roundHalfAwayFromZero(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /**
     * Scale = the value of largest magnitude (first one on ties, sign kept) / -8, so that value maps to nibble 0;
     * nibble = truncate(value / scale + 8.5), at most 15. Values 0..15 go to low nibbles, 16..31 to high nibbles.
     */
    private static void q4_0(float[] x, int at, ByteBuffer out) {
        float id = scaleOfLargest(x, at, -8, out);
        for (int j = 0; j < 16; j++) {
            int low = Math.min(15, (int) (x[at + j] * id + 8.5f));
            int high = Math.min(15, (int) (x[at + 16 + j] * id + 8.5f));
            out.put((byte) (low | high << 4));
        }
    }

    /** As Q4_0 with 5 bits: scale = largest / -16, quant = truncate(value / scale + 16.5), at most 31. */
    private static void q5_0(float[] x, int at, ByteBuffer out) {
        float id = scaleOfLargest(x, at, -16, out);
        int qh = 0;
        byte[] nibbles = new byte[16];
        for (int j = 0; j < 16; j++) {
            int low = Math.min(31, (int) (x[at + j] * id + 16.5f));
            int high = Math.min(31, (int) (x[at + 16 + j] * id + 16.5f));
            nibbles[j] = (byte) ((low & 0x0F) | (high & 0x0F) << 4);
            qh |= (low >>> 4) << j | (high >>> 4) << (j + 16);
        }
        out.putInt(qh).put(nibbles);
    }

    /**
     * Writes the F16 scale {@code largest / divisor}, where largest is the first value of largest magnitude with its
     * sign, and returns its float inverse (0 for an all-zero block).
     */
    private static float scaleOfLargest(float[] x, int at, int divisor, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int i = at; i < at + 32; i++) {
            if (amax < Math.abs(x[i])) {
                amax = Math.abs(x[i]);
                max = x[i];
            }
        }
        float d = max / divisor;
        out.putShort(Float.floatToFloat16(d));
        return d != 0 ? 1 / d : 0;
    }
}
