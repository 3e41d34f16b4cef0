package dev.pocketllama.inference.gguf;

import dev.pocketllama.inference.api.ModelLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.pocketllama.inference.gguf.GgufFileTest.assertMessage;
import static org.junit.jupiter.api.Assertions.*;

/** Broken and hostile GGUF files: each must fail with its own message naming the file and the part. */
class BrokenGgufTest {
    @TempDir Path dir;

    private Path file(GgufBytes b) throws Exception { return b.write(dir.resolve("broken.gguf")); }

    @Test
    void truncatedAtManyOffsetsAlwaysSaysWhatWasCutOff() throws Exception {
        byte[] real = Files.readAllBytes(GgufFileTest.STORIES);
        long dataStart;
        try (GgufFile f = GgufFile.open(GgufFileTest.STORIES)) { dataStart = f.dataOffset(); }
        Path cut = dir.resolve("cut.gguf");
        for (int length = 0; length < real.length; length += length < dataStart + 64 ? 7 : 4099) {
            Files.write(cut, Arrays.copyOf(real, length));
            var e = assertThrows(ModelLoadException.class, () -> GgufFile.open(cut).close(), "length " + length);
            String m = e.getMessage();
            assertTrue(m.startsWith("model file " + cut + ": "), m);
            assertTrue(m.contains("truncated") || m.contains("past the end") || m.contains("remain in the file")
                    || m.contains("more than the"), "length " + length + ": " + m);
        }
    }

    @Test
    void truncatedInsideAStringNamesTheKey() throws Exception {
        byte[] b = new GgufBytes().header(3, 0, 1).key("general.name", GgufValueType.STRING).u64(10).bytes();
        Path f = dir.resolve("short.gguf");
        Files.write(f, Arrays.copyOf(b, b.length + 3));
        assertMessage(() -> GgufFile.open(f), "the value of metadata key 'general.name' claims a length of 10 bytes, but only 3 bytes remain");
    }

    @Test
    void wrongMagic() throws Exception {
        assertMessage(() -> GgufFile.open(file(new GgufBytes().u32(0x67676A74).u32(3).u64(0).u64(0))),
                "not a GGUF file: it starts with 0x746A6767, expected the magic 'GGUF'");
    }

    @Test
    void unsupportedVersions() throws Exception {
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(1, 0, 0))), "GGUF version 1 is not supported (expected 2 or 3)");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3 << 24, 0, 0))), "big-endian");
    }

    @Test
    void absurdCounts() throws Exception {
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1L << 60, 0))), "the tensor count is 1152921504606846976, more than the 0 the file can hold");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 0, -1))), "the metadata count is 18446744073709551615");
    }

    @Test
    void arrayOfTwoToTheSixtyElements() throws Exception {
        var b = new GgufBytes().header(3, 0, 1).key("tokenizer.ggml.scores", GgufValueType.ARRAY)
                .u32(GgufValueType.FLOAT32.ordinal()).u64(1L << 60).f32(1);
        assertMessage(() -> GgufFile.open(file(b)),
                "metadata key 'tokenizer.ggml.scores' claims an array of 1152921504606846976 FLOAT32 values, but only 4 bytes remain");
    }

    @Test
    void absurdStringLengthInAnArray() throws Exception {
        var b = new GgufBytes().header(3, 0, 1).key("tokenizer.ggml.tokens", GgufValueType.ARRAY)
                .u32(GgufValueType.STRING.ordinal()).u64(1).u64(Long.MAX_VALUE);
        assertMessage(() -> GgufFile.open(file(b)),
                "element of metadata key 'tokenizer.ggml.tokens' claims a length of 9223372036854775807 bytes");
    }

    @Test
    void unknownValueTypeAndDeepNesting() throws Exception {
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 0, 1).str("k").u32(13).u32(0))),
                "metadata key 'k' has unknown value type 13");
        var deep = new GgufBytes().header(3, 0, 1).key("deep", GgufValueType.ARRAY);
        for (int i = 0; i < 10; i++) deep.u32(GgufValueType.ARRAY.ordinal()).u64(1);
        deep.zeros(64);
        assertMessage(() -> GgufFile.open(file(deep)), "metadata key 'deep' nests arrays more than 8 deep");
    }

    @Test
    void duplicateKeyAndBadAlignment() throws Exception {
        var dup = new GgufBytes().header(3, 0, 2);
        dup.key("a", GgufValueType.UINT8).u8(1).key("a", GgufValueType.UINT8).u8(2);
        assertMessage(() -> GgufFile.open(file(dup)), "metadata key 'a' appears twice");
        var align = new GgufBytes().header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(48);
        assertMessage(() -> GgufFile.open(file(align)), "'general.alignment' is 48, expected a power of two");
    }

    @Test
    void unknownTensorType() throws Exception {
        var b = new GgufBytes().header(3, 1, 0).str("blk.0.attn_q.weight").u32(2).u64(32).u64(2).u32(99).u64(0);
        assertMessage(() -> GgufFile.open(file(b.padTo(32).zeros(256))), "tensor 'blk.0.attn_q.weight' has unknown type id 99 (known: F32=0");
    }

    @Test
    void tensorShapeProblems() throws Exception {
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1, 0).str("t").u32(5).zeros(64))),
                "tensor 't' has 5 dimensions, expected 1 to 4");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1, 0).tensorInfo("t", GgmlType.F32, 0, 4, 0))),
                "tensor 't' has dimension 1 of 0, expected at least 1");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1, 0).tensorInfo("t", GgmlType.F32, 0, 1L << 40, 1L << 40))),
                "tensor 't' has more elements than a 64-bit count can hold");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1, 0).tensorInfo("t", GgmlType.Q4_0, 0, 172, 2))),
                "tensor 't' has rows of 172 values, which is not a multiple of the Q4_0 block size 32");
        assertMessage(() -> GgufFile.open(file(new GgufBytes().header(3, 1, 0).tensorInfo("t", GgmlType.F32, 3, 4))),
                "tensor 't' has data offset 3, expected a multiple of the alignment 32");
        var twice = new GgufBytes().header(3, 2, 0).tensorInfo("t", GgmlType.F32, 0, 4).tensorInfo("t", GgmlType.F32, 32, 4);
        assertMessage(() -> GgufFile.open(file(twice)), "tensor 't' appears twice");
    }

    @Test
    void tensorPastTheEndOfTheFile() throws Exception {
        var b = new GgufBytes().header(3, 1, 0).tensorInfo("output.weight", GgmlType.F32, 0, 64, 512).padTo(32).zeros(1000);
        assertMessage(() -> GgufFile.open(file(b)),
                "tensor 'output.weight' (F32 [64, 512], 131072 bytes at data offset 0) extends past the end of the file, whose tensor data holds 1000 bytes");
    }

    @Test
    void missingFileNamesThePath() {
        assertMessage(() -> GgufFile.open(dir.resolve("nope.gguf")), "nope.gguf: cannot read it");
    }
}
