package dev.pocketllama.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pocketllama.config.ConfigException;
import dev.pocketllama.config.ConfigLoader;
import dev.pocketllama.config.PocketLlamaConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration of {@code chat}: a config file, a model file given on the command line, or both (the file's
 * settings with that model). Without a config file the conversation lives in memory only.
 */
final class ChatConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatConfig() { }

    static PocketLlamaConfig of(Path configFile, Path model, String template, Double temperature, Map<String, String> env) {
        if (configFile == null && model == null) {
            throw new ConfigException("chat", List.of("--model: missing (give --model FILE.gguf, or --config FILE)"));
        }
        if (configFile != null && model == null && temperature == null) return ConfigLoader.load(configFile, env);
        ObjectNode tree = configFile == null ? memoryOnly() : read(configFile);
        if (model != null) {
            tree.remove("defaultModel");
            ObjectNode entry = tree.putArray("models").addObject();
            entry.put("name", nameOf(model));
            entry.put("path", model.toString());
            entry.put("template", template == null ? "auto" : template);
        }
        if (temperature != null) {
            ObjectNode sampling = tree.get("sampling") instanceof ObjectNode s ? s : tree.putObject("sampling");
            sampling.put("temperature", temperature);
        }
        try {
            // JSON is YAML: the loader validates and substitutes the merged tree like a file.
            return ConfigLoader.fromYaml(JSON.writeValueAsString(tree), env);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode memoryOnly() {
        ObjectNode tree = JSON.createObjectNode();
        tree.putObject("store").put("path", ":memory:");
        return tree;
    }

    private static ObjectNode read(Path configFile) {
        try {
            var node = YAML.readTree(Files.readString(configFile));
            if (node instanceof ObjectNode object) return object;
            if (node == null || node.isMissingNode() || node.isNull()) return JSON.createObjectNode();
            throw new ConfigException("configuration " + configFile, List.of("(file): expected a section of keys"));
        } catch (IOException e) {
            ConfigLoader.load(configFile, Map.of()); // throws the precise reason: file not found, or where the YAML breaks
            throw new ConfigException("configuration " + configFile, List.of(configFile + ": cannot read: " + e.getMessage()));
        }
    }

    /** A model's name from its file: stories260K.gguf is "stories260K". */
    static String nameOf(Path model) {
        String file = model.getFileName().toString();
        return (file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file).replaceAll("\\s+", "-");
    }
}
