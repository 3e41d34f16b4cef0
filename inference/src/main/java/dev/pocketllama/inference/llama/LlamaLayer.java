package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.tensor.WeightMatrix;

/**
 * The weights of one transformer block; matrices map their input width to their row count.
 *
 * @param attnNorm (dim) RMSNorm weight before attention
 * @param wq       (dim -> heads * headSize) queries
 * @param wk       (dim -> kvHeads * headSize) keys
 * @param wv       (dim -> kvHeads * headSize) values
 * @param wo       (heads * headSize -> dim) attention output
 * @param ffnNorm  (dim) RMSNorm weight before the feed-forward
 * @param w1       (dim -> hiddenDim) gate, through SiLU
 * @param w2       (hiddenDim -> dim) down
 * @param w3       (dim -> hiddenDim) up
 */
record LlamaLayer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                  float[] ffnNorm, WeightMatrix w1, WeightMatrix w2, WeightMatrix w3) { }
