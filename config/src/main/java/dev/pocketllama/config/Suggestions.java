package dev.pocketllama.config;

import java.util.Collection;
import java.util.Comparator;

/** "Did you mean" hints for misspelt keys and names, by edit distance. */
public final class Suggestions {
    private Suggestions() { }

    /** {@code did you mean 'x'?} for a close candidate, else the list of valid ones. */
    public static String didYouMean(String given, Collection<String> candidates) {
        String best = candidates.stream().min(Comparator.comparingInt(c -> distance(given.toLowerCase(), c.toLowerCase())))
                .orElse(null);
        if (best != null && distance(given.toLowerCase(), best.toLowerCase()) <= Math.max(2, best.length() / 3)) {
            return "did you mean '" + best + "'?";
        }
        return "valid: " + String.join(", ", candidates);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
