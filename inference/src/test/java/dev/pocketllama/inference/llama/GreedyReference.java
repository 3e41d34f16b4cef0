package dev.pocketllama.inference.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** llama.cpp's greedy generations from ../shared/models/*-greedy.json. */
record GreedyReference(String model, String prompt, List<Integer> promptIds, List<Integer> generatedIds,
                       String generatedText, float[] firstLogits) {

    static final Path MODELS = Path.of("../shared/models");

    static List<GreedyReference> stories() {
        JsonNode root = read("stories260K-greedy.json");
        List<GreedyReference> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) cases.add(of("stories260K.gguf", c));
        return cases;
    }

    static List<GreedyReference> quantized() {
        JsonNode root = read("stories260K-quant-greedy.json");
        List<GreedyReference> cases = new ArrayList<>();
        for (Map.Entry<String, JsonNode> model : root.get("models").properties()) {
            for (JsonNode c : model.getValue()) cases.add(of(model.getKey(), c));
        }
        return cases;
    }

    private static GreedyReference of(String model, JsonNode c) {
        float[] logits = null;
        if (c.has("first_position_all_logits")) {
            JsonNode all = c.get("first_position_all_logits");
            logits = new float[all.size()];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) all.get(i).asDouble();
        }
        return new GreedyReference(model, c.get("prompt").asText(), ints(c.get("prompt_ids")),
                ints(c.get("generated_ids")), c.get("generated_text").asText(), logits);
    }

    private static List<Integer> ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asInt).toList();
    }

    private static JsonNode read(String name) {
        try {
            return new ObjectMapper().readTree(MODELS.resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() { return MODELS.resolve(model); }

    @Override
    public String toString() { return model + ": " + prompt; }
}
