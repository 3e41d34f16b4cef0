package dev.pocketllama.inference.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GgufWriterTest {
    private static final Path STORIES_Q8 = Path.of("../shared/models/stories260K-Q8_0.gguf");

    @TempDir
    Path dir;

    private static GgufMetadata.Entry entry(GgufValueType type, Object value) { return new GgufMetadata.Entry(type, value); }

    @Test
    void everyMetadataTypeAndTensorReadsBackEqual() {
        var metadata = new LinkedHashMap<String, GgufMetadata.Entry>();
        metadata.put("general.alignment", entry(GgufValueType.UINT32, 64L));
        metadata.put("u8", entry(GgufValueType.UINT8, 200));
        metadata.put("i8", entry(GgufValueType.INT8, -100));
        metadata.put("u16", entry(GgufValueType.UINT16, 60000));
        metadata.put("i16", entry(GgufValueType.INT16, -30000));
        metadata.put("u32", entry(GgufValueType.UINT32, 4_000_000_000L));
        metadata.put("i32", entry(GgufValueType.INT32, -2_000_000_000));
        metadata.put("u64", entry(GgufValueType.UINT64, 1L << 40));
        metadata.put("i64", entry(GgufValueType.INT64, -(1L << 40)));
        metadata.put("f32", entry(GgufValueType.FLOAT32, 1.5e-5f));
        metadata.put("f64", entry(GgufValueType.FLOAT64, Math.PI));
        metadata.put("bool", entry(GgufValueType.BOOL, true));
        metadata.put("string", entry(GgufValueType.STRING, "héllo ▁world"));
        metadata.put("strings", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.STRING, new String[] {"a", "", "<s>"})));
        metadata.put("floats", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT32, new float[] {0f, -1.25f})));
        metadata.put("ints", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, new int[] {1, -2, 3})));
        metadata.put("bytes", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.UINT8, new int[] {0, 255})));
        metadata.put("longs", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.UINT64, new long[] {7, 1L << 50})));
        metadata.put("doubles", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT64, new double[] {2.5})));
        metadata.put("bools", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.BOOL, new boolean[] {true, false})));
        metadata.put("nested", entry(GgufValueType.ARRAY, new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                new GgufArray(GgufValueType.INT16, new int[] {-5}), new GgufArray(GgufValueType.STRING, new String[] {"x"})})));
        var tensors = List.of(new GgufWriter.TensorSpec("norm", GgmlType.F32, 5),
                new GgufWriter.TensorSpec("q8", GgmlType.Q8_0, 64, 3),
                new GgufWriter.TensorSpec("half", GgmlType.F16, 3, 2));
        List<byte[]> data = new ArrayList<>();
        Path file = dir.resolve("all.gguf");
        try (GgufWriter w = GgufWriter.create(file, metadata, tensors)) {
            for (GgufWriter.TensorSpec t : tensors) {
                byte[] bytes = new byte[(int) t.byteSize()];
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7 + t.name().length());
                data.add(bytes);
                assertEquals(t, w.currentTensor());
                w.write(ByteBuffer.wrap(bytes, 0, 3));
                w.write(ByteBuffer.wrap(bytes, 3, bytes.length - 3));
            }
        }
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(3, f.version());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(List.copyOf(metadata.keySet()), List.copyOf(f.metadata().keys()));
            metadata.forEach((key, expected) -> assertEntryEquals(expected, f.metadata().find(key).orElseThrow(), key));
            for (int i = 0; i < tensors.size(); i++) {
                GgufTensorInfo info = f.tensors().get(i);
                assertEquals(tensors.get(i).name(), info.name());
                assertEquals(tensors.get(i).type(), info.type());
                assertArrayEquals(tensors.get(i).shape(), info.shape());
                assertEquals(0, info.dataOffset() % 64, info.name());
                assertArrayEquals(data.get(i), f.data(info).toArray(ValueLayout.JAVA_BYTE), info.name());
            }
        }
    }

    private static void assertEntryEquals(GgufMetadata.Entry expected, GgufMetadata.Entry actual, String key) {
        assertEquals(expected.type(), actual.type(), key);
        if (expected.value() instanceof GgufArray a) {
            GgufArray b = (GgufArray) actual.value();
            assertEquals(a.elementType(), b.elementType(), key);
            assertEquals(a.length(), b.length(), key);
            for (int i = 0; i < a.length(); i++) {
                if (a.get(i) instanceof GgufArray inner) assertEntryEquals(entry(GgufValueType.ARRAY, inner), entry(GgufValueType.ARRAY, b.get(i)), key);
                else assertEquals(a.get(i), b.get(i), key + "[" + i + "]");
            }
        } else {
            assertEquals(expected.value(), actual.value(), key);
        }
    }

    @Test
    void rewritingALlamaCppFileGivesTheSameBytes() throws IOException {
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile f = GgufFile.open(STORIES_Q8)) {
            var metadata = new LinkedHashMap<String, GgufMetadata.Entry>();
            f.metadata().keys().forEach(k -> metadata.put(k, f.metadata().find(k).orElseThrow()));
            var specs = f.tensors().stream().map(t -> new GgufWriter.TensorSpec(t.name(), t.type(), t.shape())).toList();
            try (GgufWriter w = GgufWriter.create(copy, metadata, specs)) {
                for (GgufTensorInfo t : f.tensors()) w.write(f.data(t).asByteBuffer());
            }
        }
        assertArrayEquals(Files.readAllBytes(STORIES_Q8), Files.readAllBytes(copy));
    }

    @Test
    void aShortTensorIsNamedWhenClosingAndExtraBytesAreRefused() {
        Path file = dir.resolve("short.gguf");
        var tensors = List.of(new GgufWriter.TensorSpec("a", GgmlType.F32, 4), new GgufWriter.TensorSpec("b", GgmlType.F32, 2));
        GgufWriter w = GgufWriter.create(file, Map.of(), tensors);
        var tooMany = assertThrows(IllegalStateException.class, () -> w.write(ByteBuffer.allocate(17)));
        assertTrue(tooMany.getMessage().contains("tensor 'a' needs 16 more bytes"), tooMany.getMessage());
        w.write(ByteBuffer.allocate(16));
        var shortFile = assertThrows(IllegalStateException.class, w::close);
        assertTrue(shortFile.getMessage().contains("tensor 'b' is missing 8 bytes"), shortFile.getMessage());
    }

    @Test
    void rowsThatDoNotDivideIntoBlocksAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> GgufWriter.create(dir.resolve("bad.gguf"), Map.of(),
                List.of(new GgufWriter.TensorSpec("ffn_down", GgmlType.Q8_0, 172, 64))));
        assertTrue(e.getMessage().contains("172"), e.getMessage());
    }
}
