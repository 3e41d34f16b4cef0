package dev.pocketllama.inference.tensor;

import java.nio.ByteBuffer;

/**
 * Quantizers for the K-quant super-blocks, following llama.cpp's reference ones (quantize_row_q4_K_ref,
 * quantize_row_q6_K_ref): a per-group search for the best scale, then the group scales quantized under F16
 * super-scales. Checked against ggml's own quantizer by hand: the same bytes for Q6_K and Q4_K.
 */
final class KQuantizer {
    private static final int BLOCK = Q8_KInput.BLOCK;

    private KQuantizer() { }

    /** llama.cpp's nearest_int: round half to even, for the magnitudes quantizers meet. */
    private static int nearest(float v) { return (int) Math.rint(v); }

    /**
     * llama.cpp's reference Q4_K: per 32 values the scale and min that minimise a weighted squared error over 21
     * trial scales (weights |x| + the sub-block's RMS), then 6-bit scales and mins under two F16 super-scales, and
     * each value re-rounded against the stored scale and min.
     */
    static void q4_K(float[] x, int at, ByteBuffer out) {
        float[] scales = new float[8];
        float[] mins = new float[8];
        int[] quants = new int[BLOCK];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float[] scaleAndMin = fitWithMin(x, at + 32 * j, quants, 32 * j);
            scales[j] = scaleAndMin[0];
            mins[j] = scaleAndMin[1];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
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
        short d = Float.floatToFloat16(maxScale / 63);
        short dmin = Float.floatToFloat16(maxMin / 63);
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

    /**
     * Fits x[at .. at+32) as scale * q - min with q in 0..15 (llama.cpp's make_qkx2_quants): starting from the
     * range, tries 21 scales and keeps the least-squares scale and min of the best rounding. Writes the quants to
     * {@code quants} from {@code into}; returns {scale, min} (min as a positive offset).
     */
    private static float[] fitWithMin(float[] x, int at, int[] quants, int into) {
        int n = 32;
        int nmax = 15;
        float sumX2 = 0;
        for (int i = at; i < at + n; i++) sumX2 += x[i] * x[i];
        float rms = (float) Math.sqrt(sumX2 / n);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = rms + Math.abs(x[at + i]);
        float min = x[at];
        float max = x[at];
        float sumW = w[0];
        float sumX = sumW * x[at];
        for (int i = 1; i < n; i++) {
            min = Math.min(min, x[at + i]);
            max = Math.max(max, x[at + i]);
            sumW += w[i];
            sumX += w[i] * x[at + i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            java.util.Arrays.fill(quants, into, into + n, 0);
            return new float[] {0, -min};
        }
        float inverse = nmax / (max - min);
        float scale = 1 / inverse;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.clamp(nearest(inverse * (x[at + i] - min)), 0, nmax);
            quants[into + i] = l;
            float diff = scale * l + min - x[at + i];
            bestError += w[i] * (diff * diff);
        }
        int[] trial = new int[n];
        for (int step = 0; step <= 20; step++) {
            inverse = (-1f + 0.1f * step + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(nearest(inverse * (x[at + i] - min)), 0, nmax);
                trial[i] = l;
                sumL += w[i] * l;
                sumL2 += w[i] * l * l;
                sumXL += w[i] * l * x[at + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det <= 0) continue;
            float trialScale = (sumW * sumXL - sumX * sumL) / det;
            float trialMin = (sumL2 * sumX - sumL * sumXL) / det;
            if (trialMin > 0) {
                trialMin = 0;
                trialScale = sumXL / sumL2;
            }
            float error = 0;
            for (int i = 0; i < n; i++) {
                float diff = trialScale * trial[i] + trialMin - x[at + i];
                error += w[i] * (diff * diff);
            }
            if (error < bestError) {
                System.arraycopy(trial, 0, quants, into, n);
                bestError = error;
                scale = trialScale;
                min = trialMin;
            }
        }
        return new float[] {scale, -min};
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
