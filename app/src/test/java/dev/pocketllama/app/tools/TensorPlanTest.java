package dev.pocketllama.app.tools;

import dev.pocketllama.inference.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TensorPlanTest {

    @Test
    void tinyLlamaQ4_K_MGivesSixBitsToTenOfTwentyTwoFfnDownLayers() {
        TensorPlan plan = new TensorPlan(FileType.Q4_K_M, 22, true);
        List<Integer> q6 = IntStream.range(0, 22)
                .filter(l -> plan.typeOf("blk." + l + ".ffn_down.weight", new long[] {5632, 2048}, GgmlType.F16) == GgmlType.Q6_K)
                .boxed().toList();
        assertEquals(List.of(0, 1, 4, 7, 10, 13, 16, 19, 20, 21), q6);
        assertEquals(GgmlType.Q4_K, plan.typeOf("blk.3.attn_q.weight", new long[] {2048, 2048}, GgmlType.F16));
        assertEquals(GgmlType.Q6_K, plan.typeOf("output.weight", new long[] {2048, 32000}, GgmlType.F16));
        assertEquals(GgmlType.F32, plan.typeOf("blk.3.attn_norm.weight", new long[] {2048}, GgmlType.F32));
    }

    @Test
    void withTiedEmbeddingsTheEmbeddingsAreQuantizedAsTheOutput() {
        assertEquals(GgmlType.Q6_K, new TensorPlan(FileType.Q4_0, 16, false).typeOf("token_embd.weight", new long[] {2048, 32000}, GgmlType.F16));
        assertEquals(GgmlType.Q4_0, new TensorPlan(FileType.Q4_0, 16, true).typeOf("token_embd.weight", new long[] {2048, 32000}, GgmlType.F16));
        assertEquals(GgmlType.Q8_0, new TensorPlan(FileType.Q8_0, 16, false).typeOf("token_embd.weight", new long[] {2048, 32000}, GgmlType.F16));
    }

    @Test
    void rowsThatDoNotDivideFallBackAsLlamaCppDoes() {
        TensorPlan plan = new TensorPlan(FileType.Q4_K_M, 5, true);
        assertEquals(GgmlType.Q5_0, plan.typeOf("blk.0.attn_q.weight", new long[] {64, 64}, GgmlType.F32));
        assertEquals(GgmlType.Q8_0, plan.typeOf("output.weight", new long[] {64, 512}, GgmlType.F32));
        assertEquals(GgmlType.F16, plan.typeOf("blk.0.ffn_down.weight", new long[] {172, 64}, GgmlType.F32));
        assertEquals(GgmlType.F16, new TensorPlan(FileType.Q8_0, 5, true).typeOf("blk.0.ffn_down.weight", new long[] {172, 64}, GgmlType.F32));
    }

    @Test
    void tensorsAreOrderedAsLlamaCppOrdersThem() {
        List<String> names = new java.util.ArrayList<>(List.of("blk.10.attn_q.weight", "token_embd.weight", "blk.2.ffn_up.weight",
                "blk.2.attn_k.weight", "output.weight", "output_norm.weight"));
        names.sort(TensorPlan.LLAMA_ORDER);
        assertEquals(List.of("output.weight", "output_norm.weight", "token_embd.weight", "blk.2.attn_k.weight",
                "blk.2.ffn_up.weight", "blk.10.attn_q.weight"), names);
    }
}
