package dev.pocketllama.inference.gguf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Parses a GGUF header (v2 or v3): magic, version, metadata, tensor infos and the start of the tensor data. */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMENSIONS = 4;
    private static final int MAX_ARRAY_NESTING = 8;
    /** Name length + dimension count + type + offset: the least a tensor info can take. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
    /** Key length + value type + the smallest value. */
    private static final int MIN_KEY_VALUE_BYTES = 8 + 4 + 1;

    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) { }

    private final GgufCursor in;
    private final String fileName;

    GgufParser(GgufCursor in, String fileName) {
        this.in = in;
        this.fileName = fileName;
    }

    Header parse() {
        int magic = in.i32("the magic number");
        if (magic != MAGIC) {
            throw in.problem("not a GGUF file: it starts with 0x%08X, expected the magic 'GGUF' (is it a GGML/GGJT file or "
                    .formatted(Integer.reverseBytes(magic)) + "a safetensors file? convert it with llama.cpp's convert_hf_to_gguf.py)");
        }
        int version = in.i32("the version");
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 3 || Integer.reverseBytes(version) == 2
                    ? " (this is a big-endian GGUF; use a little-endian file)" : " (expected 2 or 3)";
            throw in.problem("GGUF version " + version + " is not supported" + hint);
        }
        long tensorCount = in.count("the tensor count", in.remaining() / MIN_TENSOR_INFO_BYTES);
        long kvCount = in.count("the metadata count", in.remaining() / MIN_KEY_VALUE_BYTES);
        GgufMetadata metadata = readMetadata((int) kvCount);
        int alignment = alignment(metadata);
        List<GgufTensorInfo> tensors = readTensorInfos((int) tensorCount, alignment);
        long dataOffset = alignUp(in.position(), alignment);
        checkTensorsFit(tensors, dataOffset);
        return new Header(version, metadata, tensors, alignment, dataOffset);
    }

    private GgufMetadata readMetadata(int count) {
        var entries = new LinkedHashMap<String, GgufMetadata.Entry>();
        for (int i = 0; i < count; i++) {
            String key = in.string("metadata key #" + i);
            GgufValueType type = valueType(in.i32("the type of metadata key '" + key + "'"), key);
            Object value = readValue(type, key, 0);
            if (entries.put(key, new GgufMetadata.Entry(type, value)) != null) {
                throw in.problem("metadata key '" + key + "' appears twice");
            }
        }
        return new GgufMetadata(fileName, entries);
    }

    private GgufValueType valueType(int id, String key) {
        GgufValueType type = GgufValueType.fromId(id);
        if (type == null) {
            throw in.problem("metadata key '" + key + "' has unknown value type " + id + " (expected 0 to 12)");
        }
        return type;
    }

    private Object readValue(GgufValueType type, String key, int depth) {
        String what = "the value of metadata key '" + key + "'";
        return switch (type) {
            case UINT8 -> in.u8(what);
            case INT8 -> in.i8(what);
            case UINT16 -> in.u16(what);
            case INT16 -> in.i16(what);
            case UINT32 -> in.u32(what);
            case INT32 -> in.i32(what);
            case UINT64, INT64 -> in.i64(what);
            case FLOAT32 -> in.f32(what);
            case FLOAT64 -> in.f64(what);
            case BOOL -> in.u8(what) != 0;
            case STRING -> in.string(what);
            case ARRAY -> readArray(key, depth);
        };
    }

    private GgufArray readArray(String key, int depth) {
        if (depth >= MAX_ARRAY_NESTING) {
            throw in.problem("metadata key '" + key + "' nests arrays more than " + MAX_ARRAY_NESTING + " deep");
        }
        GgufValueType type = valueType(in.i32("the element type of metadata key '" + key + "'"), key);
        long count = in.i64("the element count of metadata key '" + key + "'");
        long fits = in.remaining() / type.minBytes;
        if (count < 0 || count > fits || count > Integer.MAX_VALUE - 8) {
            throw in.problem("metadata key '" + key + "' claims an array of " + Long.toUnsignedString(count) + " " + type
                    + " values, but only " + in.remaining() + " bytes remain in the file");
        }
        int n = (int) count;
        String what = "element of metadata key '" + key + "'";
        Object values = switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = ((Number) readValue(type, key, depth)).intValue();
                yield a;
            }
            case UINT32, UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = ((Number) readValue(type, key, depth)).longValue();
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = in.f32(what);
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = in.f64(what);
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = in.u8(what) != 0;
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = in.string(what);
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) a[i] = readArray(key, depth + 1);
                yield a;
            }
        };
        return new GgufArray(type, values);
    }

    private int alignment(GgufMetadata metadata) {
        if (!metadata.has("general.alignment")) return DEFAULT_ALIGNMENT;
        long alignment = metadata.getLong("general.alignment");
        if (alignment <= 0 || alignment > (1 << 30) || Long.bitCount(alignment) != 1) {
            throw in.problem("metadata key 'general.alignment' is " + alignment + ", expected a power of two");
        }
        return (int) alignment;
    }

    private List<GgufTensorInfo> readTensorInfos(int count, int alignment) {
        var tensors = new ArrayList<GgufTensorInfo>(count);
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < count; i++) {
            String name = in.string("the name of tensor #" + i);
            if (!names.add(name)) throw in.problem("tensor '" + name + "' appears twice");
            int dims = in.i32("the dimension count of tensor '" + name + "'");
            if (dims < 1 || dims > MAX_DIMENSIONS) {
                throw in.problem("tensor '" + name + "' has " + dims + " dimensions, expected 1 to " + MAX_DIMENSIONS);
            }
            long[] shape = new long[dims];
            long elements = 1;
            for (int d = 0; d < dims; d++) {
                shape[d] = in.i64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] < 1) {
                    throw in.problem("tensor '" + name + "' has dimension " + d + " of " + Long.toUnsignedString(shape[d])
                            + ", expected at least 1");
                }
                elements = multiplyOrFail(elements, shape[d], name);
            }
            int typeId = in.i32("the type of tensor '" + name + "'");
            GgmlType type = GgmlType.fromId(typeId).orElseThrow(() -> in.problem("tensor '" + name
                    + "' has unknown type id " + typeId + " (known: " + knownTypes() + "); the file may be newer than this engine"));
            if (shape[0] % type.blockSize() != 0) {
                throw in.problem("tensor '" + name + "' has rows of " + shape[0] + " values, which is not a multiple of the "
                        + type + " block size " + type.blockSize());
            }
            long offset = in.i64("the data offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw in.problem("tensor '" + name + "' has data offset " + Long.toUnsignedString(offset)
                        + ", expected a multiple of the alignment " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, type, shape, offset));
        }
        return tensors;
    }

    private long multiplyOrFail(long a, long b, String name) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            throw in.problem("tensor '" + name + "' has more elements than a 64-bit count can hold");
        }
    }

    private void checkTensorsFit(List<GgufTensorInfo> tensors, long dataOffset) {
        long available = in.fileSize() - dataOffset;
        for (GgufTensorInfo t : tensors) {
            long bytes = t.byteSize();
            if (bytes / t.type().blockBytes() * t.type().blockSize() != t.elementCount() || t.dataOffset() > available
                    || bytes > available - t.dataOffset()) {
                throw in.problem("tensor '" + t.name() + "' (" + t.type() + " " + t.shapeText() + ", " + bytes
                        + " bytes at data offset " + t.dataOffset() + ") extends past the end of the file, whose tensor data holds "
                        + Math.max(0, available) + " bytes (the file is truncated or corrupt)");
            }
        }
    }

    private static String knownTypes() {
        return Stream.of(GgmlType.values()).map(t -> t + "=" + t.id()).collect(Collectors.joining(", "));
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
