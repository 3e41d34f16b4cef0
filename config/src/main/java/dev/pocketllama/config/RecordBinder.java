package dev.pocketllama.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML tree into the configuration records by their component names, taking every missing key from a
 * default, and collecting each problem (unknown key, wrong type, missing environment variable) instead of
 * stopping at the first.
 */
final class RecordBinder {
    private final EnvSubstitution env;
    private final List<String> problems;

    RecordBinder(EnvSubstitution env, List<String> problems) {
        this.env = env;
        this.problems = problems;
    }

    /** {@code fallback} is the value a missing or null node keeps; it may be null for optional records. */
    Object bind(JsonNode node, Type type, Object fallback, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) return fallback;
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord()) return bindRecord(node, raw, fallback, path);
        if (raw == List.class) return bindList(node, ((ParameterizedType) type).getActualTypeArguments()[0], fallback, path);
        return bindScalar(node, raw, fallback, path);
    }

    private Object bindRecord(JsonNode node, Class<?> type, Object fallback, String path) {
        if (!node.isObject()) {
            problems.add(where(path) + "expected a section of keys, got " + describe(node));
            return fallback;
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!names.contains(key)) problems.add(join(path, key) + ": unknown key (" + Suggestions.didYouMean(key, names) + ")");
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object componentFallback = fallback == null ? emptyValue(c.getType()) : read(c, fallback);
            values[i] = bind(node.get(c.getName()), c.getGenericType(), componentFallback, join(path, c.getName()));
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private Object bindList(JsonNode node, Type itemType, Object fallback, String path) {
        if (!node.isArray()) {
            problems.add(where(path) + "expected a list, got " + describe(node));
            return fallback;
        }
        Object itemFallback = itemType == ModelConfig.class ? ConfigDefaults.MODEL : null;
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Object item = bind(node.get(i), itemType, itemFallback, path + "[" + i + "]");
            if (item != null) items.add(item);
        }
        return List.copyOf(items);
    }

    private Object bindScalar(JsonNode node, Class<?> type, Object fallback, String path) {
        if (!node.isValueNode()) {
            problems.add(where(path) + "expected a single value, got " + describe(node));
            return fallback;
        }
        String text = node.isTextual() ? env.substitute(node.asText(), path) : node.asText();
        if (text == null) return fallback;
        try {
            if (type == String.class) return text;
            if (type == boolean.class || type == Boolean.class) return parseBoolean(text);
            if (type == int.class || type == Integer.class) return Integer.parseInt(text.trim());
            if (type == long.class || type == Long.class) return Long.parseLong(text.trim());
            if (type == double.class || type == Double.class) return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            problems.add(where(path) + "expected " + (type == double.class || type == Double.class ? "a number" : "a whole number")
                    + ", got '" + text + "'");
            return fallback;
        } catch (IllegalArgumentException e) {
            problems.add(where(path) + e.getMessage());
            return fallback;
        }
        throw new IllegalStateException("no binding for " + type);
    }

    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
        };
    }

    private static Object read(RecordComponent c, Object owner) {
        try {
            return c.getAccessor().invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    /** What a component of an optional (null by default) record starts from: null, or zero for primitives. */
    private static Object emptyValue(Class<?> type) {
        if (type == boolean.class) return false;
        if (type == int.class) return 0;
        if (type == long.class) return 0L;
        if (type == double.class) return 0.0;
        if (type == List.class) return List.of();
        return null;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) return "a section of keys";
        if (node.isArray()) return "a list";
        return "'" + node.asText() + "'";
    }

    static String join(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

    private static String where(String path) { return (path.isEmpty() ? "(top level)" : path) + ": "; }
}
