package dev.pocketllama.inference.gguf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One tensor's entry in the GGUF header.
 *
 * @param shape      dimensions, innermost first as GGML orders them: {@code shape[0]} is the row length
 * @param dataOffset offset of the data from the start of the file's tensor data section
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long dataOffset) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() { return shape.clone(); }

    public int dimensions() { return shape.length; }

    /** Size of dimension {@code i}, 1 beyond the tensor's dimensions. */
    public long dim(int i) { return i < shape.length ? shape[i] : 1; }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long byteSize() { return type.byteSize(elementCount()); }

    /** The shape as GGML prints it, e.g. {@code [64, 512]}. */
    public String shapeText() {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && dataOffset == t.dataOffset;
    }

    @Override
    public int hashCode() { return name.hashCode(); }

    @Override
    public String toString() { return name + " " + type + " " + shapeText(); }
}
