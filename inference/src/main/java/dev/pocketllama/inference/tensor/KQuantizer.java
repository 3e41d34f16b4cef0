package dev.pocketllama.inference.tensor;

import java.nio.ByteBuffer;

/**
 * Quantizers for the K-quant super-blocks. Q6_K follows llama.cpp's reference (per 16 values the scale that
 * minimises the x²-weighted error over 19 trial scales, then 8-bit scales under one F16 super-scale). Q4_K is a
 * plain min/max quantizer: correct blocks of reasonable accuracy, not llama.cpp's iterative search, which matters
 * only for the quality of real weights (synth writes random ones).
 */
final class KQuantizer {
    private static final int BLOCK = Q8_KInput.BLOCK;

    private KQuantizer() { }

    /** llama.cpp's nearest_int: round half to even, for the magnitudes quantizers meet. */
    private static int nearest(float v) { return (int) Math.rint(v); }

    static void q4_K(float[] x, int at, ByteBuffer out) {
        float[] scales = new float[8];
        float[] mins = new float[8];
        for (int j = 0; j < 8; j++) {
            float lo = 0;
            float hi = 0;
            for (int l = 0; l < 32; l++) {
                lo = Math.min(lo, x[at + 32 * j + l]);
                hi = Math.max(hi, x[at + 32 * j + l]);
            }
            scales[j] = (hi - lo) / 15;
            mins[j] = -lo;
        }
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        short d = Float.floatToFloat16(maxScale / 63);
        short dmin = Float.floatToFloat16(maxMin / 63);
        float inverseScale = maxScale > 0 ? 63 / maxScale : 0;
        float inverseMin = maxMin > 0 ? 63 / maxMin : 0;
        int[] sc = new int[8];
        int[] m = new int[8];
        byte[] packed = new byte[12];
        for (int j = 0; j < 8; j++) {
            sc[j] = Math.min(63, nearest(inverseScale * scales[j]));
            m[j] = Math.min(63, nearest(inverseMin * mins[j]));
            if (j < 4) {
                packed[j] = (byte) sc[j];
                packed[j + 4] = (byte) m[j];
            } else {
                packed[j + 4] = (byte) ((sc[j] & 0x0F) | (m[j] & 0x0F) << 4);
                packed[j - 4] |= (byte) ((sc[j] >> 4) << 6);
                packed[j] |= (byte) ((m[j] >> 4) << 6);
            }
        }
        int[] quants = new int[BLOCK];
        for (int j = 0; j < 8; j++) {
            float scale = Float.float16ToFloat(d) * sc[j];
            if (scale == 0) continue;
            float min = Float.float16ToFloat(dmin) * m[j];
            for (int l = 0; l < 32; l++) {
                quants[32 * j + l] = Math.clamp(nearest((x[at + 32 * j + l] + min) / scale), 0, 15);
            }
        }
        out.putShort(d).putShort(dmin).put(packed);
        for (int chunk = 0; chunk < BLOCK; chunk += 64) {
            for (int l = 0; l < 32; l++) out.put((byte) (quants[chunk + l] | quants[chunk + 32 + l] << 4));
        }
    }

    static void q6_K(float[] x, int at, ByteBuffer out) {
        float[] scales = new float[16];
        int[] quants = new int[BLOCK];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = groupScale(x, at + 16 * g);
            if (Math.abs(scales[g]) > maxAbsScale) {
                maxAbsScale = Math.abs(scales[g]);
                maxScale = scales[g];
            }
        }
        byte[] groupScales = new byte[16];
        short d = 0;
        if (maxAbsScale >= 1e-15f) {
            float inverse = -128f / maxScale;
            d = Float.floatToFloat16(1 / inverse);
            for (int g = 0; g < 16; g++) {
                groupScales[g] = (byte) Math.min(127, nearest(inverse * scales[g]));
                float scale = Float.float16ToFloat(d) * groupScales[g];
                if (scale == 0) continue;
                for (int i = 16 * g; i < 16 * g + 16; i++) quants[i] = Math.clamp(nearest(x[at + i] / scale), -32, 31) + 32;
            }
        }
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int half = 0; half < 2; half++) {
            int v = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = quants[v + l];
                int q2 = quants[v + l + 32];
                int q3 = quants[v + l + 64];
                int q4 = quants[v + l + 96];
                ql[64 * half + l] = (byte) ((q1 & 0x0F) | (q3 & 0x0F) << 4);
                ql[64 * half + l + 32] = (byte) ((q2 & 0x0F) | (q4 & 0x0F) << 4);
                qh[32 * half + l] = (byte) (q1 >> 4 | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
            }
        }
        out.put(ql).put(qh).put(groupScales).putShort(d);
    }

    /**
     * The signed scale for 16 values on the grid -32..31: start from the one mapping the largest magnitude to -32,
     * then keep whichever of 18 nearby trial scales gives the smallest x²-weighted squared error.
     */
    private static float groupScale(float[] x, int at) {
        float amax = 0;
        float max = 0;
        for (int i = at; i < at + 16; i++) {
            if (Math.abs(x[i]) > amax) {
                amax = Math.abs(x[i]);
                max = x[i];
            }
        }
        if (amax < 1e-15f) return 0;
        float inverse = -32 / max;
        float[] fit = fit(x, at, inverse);
        float scale = fit[1] != 0 ? fit[0] / fit[1] : 0;
        float best = scale * fit[0];
        for (int step = -9; step <= 9; step++) {
            if (step == 0) continue;
            fit = fit(x, at, -(32 + 0.1f * step) / max);
            if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                scale = fit[0] / fit[1];
                best = scale * fit[0];
            }
        }
        return scale;
    }

    /** Σ w·x·l and Σ w·l² for quants l at {@code inverse} scale, with weights w = x². */
    private static float[] fit(float[] x, int at, float inverse) {
        float sumlx = 0;
        float suml2 = 0;
        for (int i = at; i < at + 16; i++) {
            int l = Math.clamp(nearest(inverse * x[i]), -32, 31);
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        return new float[] {sumlx, suml2};
    }
}
