package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.tensor.Activation;
import dev.pocketllama.inference.tensor.KernelPool;
import dev.pocketllama.inference.tensor.WeightMatrix;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The LLaMA forward pass over a batch of rows (tokens of one or several sequences), written as the math (see
 * llama2.c). Matrix products and attention run on the kernel pool; the rest is cheap and runs on the calling thread.
 * A row's arithmetic does not depend on what else is in the batch, only on its size: from eight rows, products with
 * 32-value-block weights add a row's blocks in another order (as llama.cpp's matrix-matrix kernels differ from its
 * matrix-vector ones), which can part two near-tied tokens. Arithmetic follows llama.cpp's CPU backend
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
    /** The batch behind {@link #forward(Sequence, int)}, made on first use. */
    private Batch single;

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

    /** A batch of up to {@code rows} rows for {@link #forward(Batch)}. */
    public Batch newBatch(int rows) { return new Batch(c, rows); }

    /**
     * Feeds {@code token} at the sequence's next position and returns the logits for the token after it (valid until
     * the next call). Not for concurrent use: it reuses one single-row batch.
     */
    public float[] forward(Sequence s, int token) {
        if (single == null) single = newBatch(1);
        single.clear();
        int row = single.add(s, token, true);
        forward(single);
        return single.logits(row);
    }

    /**
     * One forward pass over every row of the batch: each weight matrix is read once for all rows, every row attends
     * over its own sequence, and rows that asked for logits get them.
     */
    public void forward(Batch b) {
        int n = b.size();
        for (int i = 0; i < n; i++) w.tokenEmbedding().dequantizeRow(b.tokens[i], b.x[i], 0);
        for (int l = 0; l < c.layers(); l++) {
            LlamaLayer layer = w.layers().get(l);
            // attention rmsnorm, then q, k, v projections
            eachRow(n, i -> rmsnorm(b.xb[i], b.x[i], layer.attnNorm()));
            matmul(layer.wq(), b.xb, b.q, n);
            matmul(layer.wk(), b.xb, b.k, n);
            matmul(layer.wv(), b.xb, b.v, n);
            // RoPE relative positional encoding on queries and keys, queries to F16; keys and values into each row's cache
            eachRow(n, i -> {
                rope(b.q[i], c.heads(), b.positions[i]);
                rope(b.k[i], c.kvHeads(), b.positions[i]);
                for (int j = 0; j < b.q16[i].length; j++) b.q16[i][j] = HeadVectors.f16(b.q[i][j]);
            });
            for (int i = 0; i < n; i++) b.sequences[i].cache.store(l, b.positions[i], b.k[i], b.v[i]);
            // each row attends over its sequence up to its own position; rows and heads are independent, so they split
            int layerIndex = l;
            int heads = c.heads();
            int headBlocks = (heads + HEADS_PER_TASK - 1) / HEADS_PER_TASK;
            pool.forRanges(n * headBlocks, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int first = i % headBlocks * HEADS_PER_TASK;
                    attention(b, i / headBlocks, first, Math.min(heads, first + HEADS_PER_TASK), layerIndex);
                }
            });
            for (int i = 0; i < n; i++) b.attention[i].changed();
            // output projection, its residual connection back into x, then the ffn rmsnorm and
            // self.w2(F.silu(self.w1(x)) * self.w3(x)), also back into x
            matmul(layer.wo(), b.attention, b.xb2, n);
            eachRow(n, i -> {
                addInto(b.x[i], b.xb2[i]);
                rmsnorm(b.xb[i], b.x[i], layer.ffnNorm());
            });
            matmul(layer.w1(), b.xb, b.gate, n);
            matmul(layer.w3(), b.xb, b.up, n);
            eachRow(n, i -> swiglu(b.hidden[i], b.gate[i], b.up[i]));
            matmul(layer.w2(), b.hidden, b.xb2, n);
            eachRow(n, i -> addInto(b.x[i], b.xb2[i]));
        }
        // final rmsnorm, then the classifier into logits, for the rows that want them
        for (int i = 0; i < n; i++) if (b.wantsLogits(i)) rmsnorm(b.xb[i], b.x[i], w.outputNorm());
        matmul(w.output(), b.logitInputs, b.logitOutputs, b.packLogitRows());
    }

    /**
     * {@code step} for each of a batch's rows, split over the pool's threads: a prompt chunk's rows are independent,
     * and these steps (SwiGLU's exponentials above all) would otherwise leave the other threads waiting. A single row
     * (a generation step) runs on the caller, with no task made for the pool.
     */
    private void eachRow(int n, IntConsumer step) {
        if (n == 1) {
            step.accept(0);
            return;
        }
        pool.forRanges(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) step.accept(i);
        });
    }

    private void matmul(WeightMatrix m, Activation[] in, float[][] out, int rows) { m.matmul(in, out, rows, pool); }

    private static void addInto(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) x[i] += delta[i];
    }

    /** hidden = SiLU(gate) * up. */
    private static void swiglu(Activation hidden, float[] gate, float[] up) {
        float[] h = hidden.values();
        for (int i = 0; i < h.length; i++) {
            float g = gate[i];
            h[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
        hidden.changed();
    }

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
     * Grouped-query attention of heads {@code [fromHead, toHead)} over positions 0..pos. The query (rounded to F16)
     * and cached keys are F16 values: their products are exact in float, and summed in double. Each head's softmax
     * is online: a running max, a float sum of weights, and an accumulator of weighted values rounded to F16 at every
     * step. Its exponentials depend only on the scores and the running max, so they are taken first, all at once, in
     * vectors. The heads then step through the positions together: one head's steps wait on each other (each reads
     * the accumulator the last one wrote), so steps of several heads side by side keep the core busy.
     */
    private void attention(Batch b, int row, int fromHead, int toHead, int layer) {
        int span = b.positions[row] + 1;
        Sequence s = b.sequences[row];
        int hs = c.headSize();
        int group = c.heads() / c.kvHeads();
        int heads = toHead - fromHead;
        float scale = (float) (1.0 / Math.sqrt(hs));
        float[] keys = s.cache.keys[layer];
        float[] values = s.cache.values[layer];
        float[] out = b.attention[row].values();
        float[] q16 = b.q16[row];
        int stride = HeadVectors.wholeKeyBlocks(span);
        float[] scores = scratch(SCORES, heads * stride);
        double[] exps = doubleScratch(EXPONENTIALS, heads * span);
        float[] state = scratch(MAXES_AND_SUMS, 2 * heads); // each head's running max, then its sum of weights
        boolean belowOverflow = HeadVectors.accumulationStaysBelowOverflow(s.cache.valueBound(layer), span);
        for (int k = 0; k < heads; k++) {
            int h = fromHead + k;
            HeadVectors.keyDots(q16, h * hs, keys, c.kvDim(), (h / group) * hs, hs, span, scale, scores, k * stride);
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < span; t++) {
                float score = scores[k * stride + t];
                // at a new maximum, the rescale of what came before; else this position's weight
                exps[k * span + t] = score > max ? max - score : score - max;
                if (score > max) max = score;
            }
            state[k] = Float.NEGATIVE_INFINITY;
            state[heads + k] = 0;
            Arrays.fill(out, h * hs, h * hs + hs, 0f);
        }
        HeadVectors.exp(exps, heads * span);
        for (int t = 0; t < span; t++) {
            for (int k = 0; k < heads; k++) {
                int h = fromHead + k;
                float score = scores[k * stride + t];
                float weight = 1;
                float rescale = 1;
                if (score > state[k]) {
                    state[k] = score;
                    rescale = (float) exps[k * span + t];
                    HeadVectors.scaleToF16(out, h * hs, hs, rescale);
                } else {
                    weight = (float) exps[k * span + t];
                }
                HeadVectors.addToF16(out, h * hs, values, t * c.kvDim() + (h / group) * hs, hs, weight, belowOverflow);
                state[heads + k] = state[heads + k] * rescale + weight;
            }
        }
        for (int k = 0; k < heads; k++) {
            float inverse = 1f / state[heads + k];
            int qAt = (fromHead + k) * hs;
            for (int i = 0; i < hs; i++) out[qAt + i] *= inverse;
        }
    }

    /** Query heads one attention task takes through the positions side by side. */
    private static final int HEADS_PER_TASK = 4;

    /** Each attention thread's scores, exponentials and per-head state, grown to the longest sequence it has served. */
    private static final ThreadLocal<float[][]> SCORES = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<double[][]> EXPONENTIALS = ThreadLocal.withInitial(() -> new double[1][0]);
    private static final ThreadLocal<float[][]> MAXES_AND_SUMS = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] scratch(ThreadLocal<float[][]> holder, int length) {
        float[][] h = holder.get();
        if (h[0].length < length) h[0] = new float[Math.max(length, 2 * h[0].length)];
        return h[0];
    }

    private static double[] doubleScratch(ThreadLocal<double[][]> holder, int length) {
        double[][] h = holder.get();
        if (h[0].length < length) h[0] = new double[Math.max(length, 2 * h[0].length)];
        return h[0];
    }
}
