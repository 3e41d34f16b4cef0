package dev.pocketllama.inference.gguf;

import java.lang.reflect.Array;

/**
 * A metadata array. {@code values} is a primitive array sized to the element type: {@code int[]} for 8-, 16- and
 * signed 32-bit integers, {@code long[]} for UINT32 and 64-bit integers, {@code float[]}, {@code double[]},
 * {@code boolean[]}, {@code String[]}, or {@code GgufArray[]} for nested arrays.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int length() { return Array.getLength(values); }

    /** Element {@code i} boxed, for display. */
    public Object get(int i) { return Array.get(values, i); }
}
