package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.tensor.Activation;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tensor.WeightMatrix;

/**
 * The LLaMA forward pass, one token at a time, written as the math (see llama2.c). Matrix-vector products run on
 * the kernel pool; the rest is cheap and runs on the calling thread. Arithmetic follows llama.cpp's CPU backend
 * where it changes results: RMSNorm sums in double, queries, keys and values meet in F16, and the attention
 * softmax runs online with an F16 accumulator as in its flash-attention kernel.
 */
public final class Transformer {
    private final LlamaModel model;
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final KernelPool pool;
    /** RoPE: base^(-2/dims), and the number of rotated pairs per head. */
    private final float thetaScale;
    private final int ropePairs;

    public Transformer(LlamaModel model, KernelPool pool) {
        this.model = model;
        this.c = model.config();
        this.w = model.weights();
        this.pool = pool;
        this.thetaScale = (float) Math.pow(c.ropeTheta(), -2.0 / c.ropeDimensions());
        this.ropePairs = c.ropeDimensions() / 2;
    }

    public LlamaModel model() { return model; }

    public Sequence newSequence(int capacity) { return new Sequence(c, capacity); }

    /** Feeds {@code token} at the sequence's next position and returns the logits for the token after it. */
    public float[] forward(Sequence s, int token) {
        int pos = s.length();
        if (pos >= s.capacity()) throw new IllegalStateException("context of " + s.capacity() + " tokens is full");
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + c.vocabSize());
        }
        w.tokenEmbedding().dequantizeRow(token, s.x, 0);
        for (int l = 0; l < c.layers(); l++) {
            LlamaLayer layer = w.layers().get(l);
            // attention rmsnorm, then q, k, v projections
            rmsnorm(s.xb, s.x, layer.attnNorm());
            matvec(layer.wq(), s.xb, s.q);
            matvec(layer.wk(), s.xb, s.k);
            matvec(layer.wv(), s.xb, s.v);
            // RoPE relative positional encoding on queries and keys
            rope(s.q, c.heads(), pos);
            rope(s.k, c.kvHeads(), pos);
            s.cache.store(l, pos, s.k, s.v);
            attention(s, l, pos);
            // residual connection back into x
            matvec(layer.wo(), s.attention, s.xb2);
            for (int i = 0; i < c.dim(); i++) s.x[i] += s.xb2[i];
            // ffn rmsnorm, then self.w2(F.silu(self.w1(x)) * self.w3(x))
            rmsnorm(s.xb, s.x, layer.ffnNorm());
            matvec(layer.w1(), s.xb, s.gate);
            matvec(layer.w3(), s.xb, s.up);
            float[] hidden = s.hidden.values();
            for (int i = 0; i < c.hiddenDim(); i++) {
                float g = s.gate[i];
                hidden[i] = g / (1f + (float) Math.exp(-g)) * s.up[i];
            }
            s.hidden.changed();
            matvec(layer.w2(), s.hidden, s.xb2);
            for (int i = 0; i < c.dim(); i++) s.x[i] += s.xb2[i];
        }
        // final rmsnorm, then the classifier into logits
        rmsnorm(s.xb, s.x, w.outputNorm());
        matvec(w.output(), s.xb, s.logits);
        s.advance();
        return s.logits;
    }

    private void matvec(WeightMatrix m, Activation in, float[] out) { m.matvec(in, out, pool); }

    /** out = x / sqrt(mean(x^2) + eps) * weight; the sum of squares in double as ggml does. */
    private void rmsnorm(Activation out, float[] x, float[] weight) {
        double sum = 0;
        for (float v : x) sum += (double) (v * v);
        float mean = (float) (sum / x.length);
        float scale = 1f / (float) Math.sqrt(mean + c.rmsEps());
        float[] o = out.values();
        for (int i = 0; i < x.length; i++) o[i] = x[i] * scale * weight[i];
        out.changed();
    }

    /**
     * Rotates each adjacent pair (2i, 2i+1) of each head's leading ropeDimensions values by pos * base^(-2i/dims),
     * the angle built by repeated float multiplication as llama.cpp builds it.
     */
    private void rope(float[] vec, int heads, int pos) {
        float theta = pos;
        for (int i = 0; i < ropePairs; i++) {
            float cos = (float) Math.cos(theta);
            float sin = (float) Math.sin(theta);
            for (int h = 0; h < heads; h++) {
                int at = h * c.headSize() + 2 * i;
                float x0 = vec[at];
                float x1 = vec[at + 1];
                vec[at] = x0 * cos - x1 * sin;
                vec[at + 1] = x0 * sin + x1 * cos;
            }
            theta *= thetaScale;
        }
    }

    /**
     * Grouped-query attention of every head over positions 0..pos. Query and cached keys are F16 values dotted in
     * float; the softmax is online: a running max, a float sum of weights, and an F16 accumulator of weighted values.
     */
    private void attention(Sequence s, int layer, int pos) {
        int hs = c.headSize();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hs));
        float[] keys = s.cache.keys[layer];
        float[] values = s.cache.values[layer];
        float[] out = s.attention.values();
        float[] q16 = s.q16;
        for (int h = 0; h < c.heads(); h++) {
            int qAt = h * hs;
            int kvAt = (h / group) * hs;
            for (int i = 0; i < hs; i++) q16[i] = f16(s.q[qAt + i]);
            float max = Float.NEGATIVE_INFINITY;
            float sum = 0;
            for (int i = 0; i < hs; i++) out[qAt + i] = 0;
            for (int t = 0; t <= pos; t++) {
                int at = t * c.kvDim() + kvAt;
                double dot = 0;
                for (int i = 0; i < hs; i++) dot += q16[i] * keys[at + i];
                float score = (float) dot * scale;
                float previousMax = max;
                float weight = 1;
                float rescale = 1;
                if (score > max) {
                    max = score;
                    rescale = (float) Math.exp(previousMax - max);
                    for (int i = 0; i < hs; i++) out[qAt + i] = f16(out[qAt + i] * rescale);
                } else {
                    weight = (float) Math.exp(score - max);
                }
                for (int i = 0; i < hs; i++) out[qAt + i] = f16(out[qAt + i] + values[at + i] * weight);
                sum = sum * rescale + weight;
            }
            float inverse = 1f / sum;
            for (int i = 0; i < hs; i++) out[qAt + i] *= inverse;
        }
        s.attention.changed();
    }

    private static float f16(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }
}
