package dev.pocketllama.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} (or {@code ${NAME:-fallback}}) in a YAML value with the environment variable, so
 * secrets such as bot tokens live in the environment, never in the file.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;
    private final List<String> problems;

    EnvSubstitution(Map<String, String> env, List<String> problems) {
        this.env = env;
        this.problems = problems;
    }

    /** The value with every reference replaced; null (and a problem naming key and variable) when one is unset. */
    String substitute(String value, String path) {
        Matcher m = REFERENCE.matcher(value);
        var out = new StringBuilder();
        boolean complete = true;
        while (m.find()) {
            String name = m.group(1);
            String replacement = env.get(name);
            if (replacement == null) replacement = m.group(2);
            if (replacement == null) {
                problems.add(path + ": environment variable " + name + " is not set (export " + name
                        + "=... before starting, or write ${" + name + ":-default} for a fallback)");
                complete = false;
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return complete ? out.toString() : null;
    }
}
