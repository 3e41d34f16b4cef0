package dev.pocketllama.bot.archfixture;

import dev.pocketllama.inference.archfixture.Internal;

/** A deliberate violation: bot-core may use only inference's api package. */
public class ImportsInferenceInternal {
    public Internal internal;
}
