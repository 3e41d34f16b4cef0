package dev.pocketllama.inference.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class GgufFileTest {
    static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    @TempDir Path dir;

    @Test
    void readsTheRealModel() {
        try (GgufFile f = GgufFile.open(STORIES)) {
            assertEquals(3, f.version());
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(64, m.getInt("llama.embedding_length"));
            assertEquals(5, m.getInt("llama.block_count"));
            assertEquals(8, m.getInt("llama.attention.head_count"));
            assertEquals(4, m.getInt("llama.attention.head_count_kv"));
            assertEquals(512, m.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(512, m.getFloatArray("tokenizer.ggml.scores").length);
            GgufTensorInfo embedding = f.tensor("token_embd.weight");
            assertEquals(GgmlType.F32, embedding.type());
            assertArrayEquals(new long[] {64, 512}, embedding.shape());
            assertEquals(64L * 512 * 4, f.data(embedding).byteSize());
            GgufTensorInfo down = f.tensor("blk.0.ffn_down.weight");
            assertArrayEquals(new long[] {172, 64}, down.shape());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryValueTypeIncludingNestedArrays(int version) throws Exception {
        var b = new GgufBytes().header(version, 1, 15);
        b.key("u8", GgufValueType.UINT8).u8(200);
        b.key("i8", GgufValueType.INT8).u8(0xFF);
        b.key("u16", GgufValueType.UINT16).u16(60000);
        b.key("i16", GgufValueType.INT16).u16(-2);
        b.key("u32", GgufValueType.UINT32).u32(-1);
        b.key("i32", GgufValueType.INT32).u32(-7);
        b.key("f32", GgufValueType.FLOAT32).f32(1.5f);
        b.key("bool", GgufValueType.BOOL).u8(1);
        b.key("str", GgufValueType.STRING).str("héllo");
        b.key("u64", GgufValueType.UINT64).u64(1L << 40);
        b.key("i64", GgufValueType.INT64).u64(-5);
        b.key("f64", GgufValueType.FLOAT64).f64(2.25);
        b.key("floats", GgufValueType.ARRAY).u32(GgufValueType.FLOAT32.ordinal()).u64(2).f32(0.5f).f32(-1f);
        b.key("nested", GgufValueType.ARRAY).u32(GgufValueType.ARRAY.ordinal()).u64(2)
                .u32(GgufValueType.STRING.ordinal()).u64(1).str("a")
                .u32(GgufValueType.INT32.ordinal()).u64(2).u32(3).u32(4);
        b.key("general.alignment", GgufValueType.UINT32).u32(64);
        b.tensorInfo("t", GgmlType.F32, 0, 4, 2).padTo(64).zeros(32);
        try (GgufFile f = GgufFile.open(b.write(dir.resolve("all.gguf")))) {
            GgufMetadata m = f.metadata();
            assertEquals(version, f.version());
            assertEquals(200, m.getInt("u8"));
            assertEquals(-1, m.getInt("i8"));
            assertEquals(60000, m.getInt("u16"));
            assertEquals(-2, m.getInt("i16"));
            assertEquals(4294967295L, m.getLong("u32"));
            assertEquals(-7, m.getInt("i32"));
            assertEquals(1.5f, m.getFloat("f32"));
            assertTrue(m.getBoolean("bool"));
            assertEquals("héllo", m.getString("str"));
            assertEquals(1L << 40, m.getLong("u64"));
            assertEquals(-5, m.getLong("i64"));
            assertEquals(2.25f, m.getFloat("f64"));
            assertArrayEquals(new float[] {0.5f, -1f}, m.getFloatArray("floats"));
            GgufArray nested = m.getArray("nested");
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertArrayEquals(new String[] {"a"}, (String[]) ((GgufArray) nested.get(0)).values());
            assertArrayEquals(new int[] {3, 4}, (int[]) ((GgufArray) nested.get(1)).values());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(32, f.data(f.tensor("t")).byteSize());
        }
    }

    @Test
    void typedAccessorsNameTheKeyAndTheExpectedType() {
        try (GgufFile f = GgufFile.open(STORIES)) {
            GgufMetadata m = f.metadata();
            assertMessage(() -> m.getInt("general.architecture"), "metadata key 'general.architecture' has type STRING, expected an integer");
            assertMessage(() -> m.getString("llama.no_such_key"), "metadata key 'llama.no_such_key' is missing (expected a string)");
            assertMessage(() -> m.getFloatArray("tokenizer.ggml.tokens"), "metadata key 'tokenizer.ggml.tokens' is an array of STRING, expected an array of FLOAT32 values");
            assertMessage(() -> f.tensor("output_norm.weigh"), "tensor 'output_norm.weigh' is missing");
        }
    }

    @Test
    void loadsAVocabOnlyFileWithoutTensors() throws Exception {
        var b = new GgufBytes().header(3, 0, 1);
        b.key("tokenizer.ggml.tokens", GgufValueType.ARRAY).u32(GgufValueType.STRING.ordinal()).u64(2).str("<s>").str("a");
        try (GgufFile f = GgufFile.open(b.write(dir.resolve("vocab.gguf")))) {
            assertTrue(f.tensors().isEmpty());
            assertArrayEquals(new String[] {"<s>", "a"}, f.metadata().getStringArray("tokenizer.ggml.tokens"));
        }
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable action, String expected) {
        var e = assertThrows(dev.pocketllama.inference.api.ModelLoadException.class, action);
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage() + "\nexpected to contain: " + expected);
    }
}
