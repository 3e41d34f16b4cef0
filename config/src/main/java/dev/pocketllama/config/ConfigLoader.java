package dev.pocketllama.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code pocketllama.yml}: YAML with {@code ${ENV}} references, every missing key taken from
 * {@link ConfigDefaults}, then validated as a whole so that one run reports every problem.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() { }

    public static PocketLlamaConfig load(Path file, Map<String, String> env) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration " + file, List.of(file
                    + ": file not found (create it, or pass another file with --config)"));
        } catch (IOException e) {
            throw new ConfigException("configuration " + file, List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(yaml, env, "configuration " + file);
    }

    public static PocketLlamaConfig fromYaml(String yaml, Map<String, String> env) {
        return parse(yaml, env, "configuration");
    }

    private static PocketLlamaConfig parse(String yaml, Map<String, String> env, String source) {
        JsonNode tree;
        try {
            tree = yaml.isBlank() ? MissingNode.getInstance() : YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(source, List.of("(file): not valid YAML" + where + ": " + e.getOriginalMessage()));
        }
        List<String> problems = new ArrayList<>();
        var binder = new RecordBinder(new EnvSubstitution(env, problems), problems);
        var config = (PocketLlamaConfig) binder.bind(tree, PocketLlamaConfig.class, ConfigDefaults.CONFIG, "");
        if (config.defaultModel() == null && !config.models().isEmpty()) config = withDefaultModel(config);
        problems.addAll(ConfigValidator.validate(config));
        if (!problems.isEmpty()) throw new ConfigException(source, problems);
        return config;
    }

    private static PocketLlamaConfig withDefaultModel(PocketLlamaConfig c) {
        return new PocketLlamaConfig(c.models(), c.models().getFirst().name(), c.sampling(), c.admins(), c.allow(),
                c.limits(), c.engine(), c.conversations(), c.telegram(), c.discord(), c.store(), c.streaming());
    }
}
