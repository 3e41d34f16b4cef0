package dev.pocketllama.inference.gguf;

import dev.pocketllama.inference.api.ModelLoadException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF file's key-value metadata with typed accessors. Scalars are held as Integer (8/16-bit and INT32), Long
 * (UINT32 and 64-bit), Float, Double, Boolean or String; arrays as {@link GgufArray}. A missing key or a value of
 * the wrong type gives a {@link ModelLoadException} naming the file, the key and the expected type.
 */
public final class GgufMetadata {

    /** A value with the type the file declared for it. */
    public record Entry(GgufValueType type, Object value) { }

    private final String fileName;
    private final Map<String, Entry> entries;

    GgufMetadata(String fileName, LinkedHashMap<String, Entry> entries) {
        this.fileName = fileName;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Keys in file order. */
    public Set<String> keys() { return entries.keySet(); }

    public boolean has(String key) { return entries.containsKey(key); }

    public Optional<Entry> find(String key) { return Optional.ofNullable(entries.get(key)); }

    public String getString(String key) { return (String) require(key, GgufValueType.STRING, "a string"); }

    public Optional<String> findString(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    public boolean getBoolean(String key) { return (Boolean) require(key, GgufValueType.BOOL, "a boolean"); }

    public long getLong(String key) {
        Entry e = entry(key, "an integer");
        if (!e.type.isInteger()) throw wrongType(key, e, "an integer");
        return ((Number) e.value).longValue();
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) throw problem("metadata key '" + key + "' is " + v + ", which does not fit in a 32-bit integer");
        return (int) v;
    }

    public int getInt(String key, int defaultValue) { return has(key) ? getInt(key) : defaultValue; }

    public float getFloat(String key) {
        Entry e = entry(key, "a float");
        if (e.type != GgufValueType.FLOAT32 && e.type != GgufValueType.FLOAT64) throw wrongType(key, e, "a float");
        return ((Number) e.value).floatValue();
    }

    public float getFloat(String key, float defaultValue) { return has(key) ? getFloat(key) : defaultValue; }

    public GgufArray getArray(String key) { return (GgufArray) require(key, GgufValueType.ARRAY, "an array"); }

    public String[] getStringArray(String key) { return (String[]) arrayOf(key, GgufValueType.STRING, "strings"); }

    public float[] getFloatArray(String key) { return (float[]) arrayOf(key, GgufValueType.FLOAT32, "FLOAT32 values"); }

    /** An array of 8-, 16- or 32-bit integers (or UINT32 values that fit), as ints. */
    public int[] getIntArray(String key) {
        GgufArray a = getArray(key);
        if (a.values() instanceof int[] ints) return ints.clone();
        if (a.values() instanceof long[] longs && a.elementType() == GgufValueType.UINT32) {
            int[] ints = new int[longs.length];
            for (int i = 0; i < longs.length; i++) {
                if (longs[i] > Integer.MAX_VALUE) throw problem("metadata key '" + key + "' holds " + longs[i]
                        + " at index " + i + ", which does not fit in a 32-bit integer");
                ints[i] = (int) longs[i];
            }
            return ints;
        }
        throw problem("metadata key '" + key + "' is an array of " + a.elementType() + ", expected an array of integers");
    }

    private Object arrayOf(String key, GgufValueType elementType, String expected) {
        GgufArray a = getArray(key);
        if (a.elementType() != elementType) {
            throw problem("metadata key '" + key + "' is an array of " + a.elementType() + ", expected an array of " + expected);
        }
        return a.values() instanceof Object[] objects ? objects.clone() : cloneFloats(a.values());
    }

    private static Object cloneFloats(Object values) { return ((float[]) values).clone(); }

    private Object require(String key, GgufValueType type, String expected) {
        Entry e = entry(key, expected);
        if (e.type != type) throw wrongType(key, e, expected);
        return e.value;
    }

    private Entry entry(String key, String expected) {
        Entry e = entries.get(key);
        if (e == null) throw problem("metadata key '" + key + "' is missing (expected " + expected + ")");
        return e;
    }

    private ModelLoadException wrongType(String key, Entry e, String expected) {
        return problem("metadata key '" + key + "' has type " + e.type + ", expected " + expected);
    }

    private ModelLoadException problem(String detail) {
        return new ModelLoadException("model file " + fileName + ": " + detail);
    }
}
