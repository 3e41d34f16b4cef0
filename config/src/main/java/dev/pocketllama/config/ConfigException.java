package dev.pocketllama.config;

import java.util.List;

/** A configuration that cannot be used; the message lists every problem as {@code yaml.path: problem (fix)}. */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(describe(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, as {@code yaml.path: problem (fix)}. */
    public List<String> problems() { return problems; }

    private static String describe(String source, List<String> problems) {
        var text = new StringBuilder(source).append(problems.size() == 1 ? " has 1 problem:" : " has "
                + problems.size() + " problems:");
        for (String problem : problems) text.append("\n  ").append(problem);
        return text.toString();
    }
}
