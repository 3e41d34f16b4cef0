package dev.pocketllama.inference.llama;

import dev.pocketllama.inference.api.LoadProgressListener;
import dev.pocketllama.inference.tensor.KernelPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Greedy generation reproduces llama.cpp's token ids exactly, from the prompt ids llama.cpp used. */
class GreedyGenerationTest {
    private static final int EOS = 2;
    /**
     * Quantized files: llama.cpp's SiLU uses its own vector exp approximation and its summation order differs from
     * ours, and the F16/Q8_0 roundings of activations turn those last-bit differences into ~1e-3 logit noise. Where
     * llama.cpp's pick leads ours by less than this (one case, 46 tokens in), the remaining ids cannot be compared.
     */
    private static final float NEAR_TIE = 0.05f;
    private static KernelPool pool;

    @BeforeAll
    static void startPool() { pool = new KernelPool(2); }

    @AfterAll
    static void stopPool() { pool.close(); }

    static List<GreedyReference> stories() { return GreedyReference.stories(); }

    static List<GreedyReference> quantized() { return GreedyReference.quantized(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stories")
    void storiesMatchesLlamaCpp(GreedyReference reference) {
        assertGreedyMatches(reference, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantized")
    void quantizedStoriesMatchLlamaCpp(GreedyReference reference) {
        assertGreedyMatches(reference, NEAR_TIE);
    }

    private static void assertGreedyMatches(GreedyReference reference, float nearTie) {
        try (LlamaModel model = LlamaModel.load(reference.path(), LoadProgressListener.NONE)) {
            Transformer transformer = new Transformer(model, pool);
            Sequence s = transformer.newSequence(256);
            float[] logits = null;
            for (int id : reference.promptIds()) logits = transformer.forward(s, id);
            float[] first = logits.clone();
            List<Integer> generated = new ArrayList<>();
            while (generated.size() < reference.generatedIds().size()) {
                int next = argmax(logits);
                int expected = reference.generatedIds().get(generated.size());
                if (next != expected) {
                    System.out.printf("%s: diverges at generated token %d: llama.cpp %d (our logit %.5f), we %d (%.5f)%n",
                            reference, generated.size(), expected, logits[expected], next, logits[next]);
                    if (logits[next] - logits[expected] < nearTie) {
                        assertEquals(reference.generatedIds().subList(0, generated.size()), generated);
                        return;
                    }
                }
                generated.add(next);
                if (next == EOS) break;
                logits = transformer.forward(s, next);
            }
            assertEquals(reference.generatedIds(), generated);
            if (reference.firstLogits() != null) {
                float worst = 0;
                for (int i = 0; i < first.length; i++) worst = Math.max(worst, Math.abs(first[i] - reference.firstLogits()[i]));
                System.out.println(reference + ": largest first-position logit difference " + worst);
                assertEquals(0, worst, 2e-3, "first-position logits");
            }
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
