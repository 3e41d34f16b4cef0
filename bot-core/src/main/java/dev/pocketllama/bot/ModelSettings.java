package dev.pocketllama.bot;

import dev.pocketllama.config.LimitsConfig;
import dev.pocketllama.config.ModelConfig;
import dev.pocketllama.config.PocketLlamaConfig;
import dev.pocketllama.config.SamplingConfig;
import dev.pocketllama.inference.api.ModelInfo;
import dev.pocketllama.inference.api.SamplingParams;

import java.util.concurrent.ThreadLocalRandom;

/** The sampling and token limits for the active model: its own settings where it has them, else the global ones. */
record ModelSettings(SamplingParams sampling, int maxTokens, int contextLength) {
    private static final int REPEAT_LAST_N = 64;

    static ModelSettings of(PocketLlamaConfig config, ModelInfo active) {
        SamplingConfig global = config.sampling();
        SamplingConfig own = config.models().stream().filter(m -> m.name().equals(active.name()))
                .map(ModelConfig::sampling).filter(s -> s != null).findFirst()
                .orElse(new SamplingConfig(null, null, null, null, null, null, null));
        long seed = pick(own.seed(), global.seed());
        var sampling = new SamplingParams(pick(own.temperature(), global.temperature()), pick(own.topK(), global.topK()),
                pick(own.topP(), global.topP()), pick(own.minP(), global.minP()),
                pick(own.repeatPenalty(), global.repeatPenalty()), REPEAT_LAST_N,
                seed == -1 ? ThreadLocalRandom.current().nextLong() : seed);
        return new ModelSettings(sampling, pick(own.maxTokens(), global.maxTokens()), active.contextLength());
    }

    /** Tokens of prompt that fit: the history budget, within the context less room for the answer. */
    int historyBudgetTokens(LimitsConfig limits) {
        if (contextLength <= 0) return limits.historyTokenBudget();
        int answerRoom = Math.min(maxTokens, contextLength / 2);
        return Math.min(limits.historyTokenBudget(), contextLength - answerRoom);
    }

    private static <T> T pick(T own, T global) { return own != null ? own : global; }
}
