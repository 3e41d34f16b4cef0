package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class QuantizerTest {

    /** Quantizing then dequantizing (with our readers) stays within the error each format's precision allows. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32, 0", "F16, 0.001", "BF16, 0.005", "Q8_0, 0.01", "Q6_K, 0.03", "Q5_0, 0.06", "Q4_0, 0.12", "Q4_K, 0.12"})
    void roundTripErrorIsWithinTheFormatsPrecision(GgmlType type, double maxRelativeRms) {
        Random random = new Random(7);
        int rows = 3;
        int columns = 512;
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 4 : 1);
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(x.length));
        Quantizer.quantize(type, x, 0, x.length, out);
        assertFalse(out.hasRemaining(), "fills exactly the type's size");
        WeightMatrix m = WeightMatrix.of(new GgufTensorInfo("w", type, new long[] {columns, rows}, 0),
                MemorySegment.ofArray(out.array()), "test");
        float[] back = new float[x.length];
        for (int r = 0; r < rows; r++) m.dequantizeRow(r, back, r * columns);
        double error = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            error += (back[i] - x[i]) * (double) (back[i] - x[i]);
            norm += x[i] * (double) x[i];
        }
        assertTrue(Math.sqrt(error / norm) <= maxRelativeRms, type + " relative RMS error " + Math.sqrt(error / norm));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
    void anAllZeroBlockQuantizesToZeros(GgmlType type) {
        float[] x = new float[256];
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(256));
        Quantizer.quantize(type, x, 0, 256, out);
        WeightMatrix m = WeightMatrix.of(new GgufTensorInfo("w", type, new long[] {256, 1}, 0),
                MemorySegment.ofArray(out.array()), "test");
        float[] back = new float[256];
        m.dequantizeRow(0, back, 0);
        for (float v : back) assertTrue(v == 0, type + " gave " + v);
    }

    @Test
    void roundingIsCsRoundfHalfAwayFromZero() {
        assertEquals(3, Quantizer.roundHalfAwayFromZero(2.5f));
        assertEquals(-3, Quantizer.roundHalfAwayFromZero(-2.5f));
        assertEquals(0, Quantizer.roundHalfAwayFromZero(0.49999997f));
        assertEquals(-1, Quantizer.roundHalfAwayFromZero(-0.5f));
    }

    @Test
    void aRowThatDoesNotDivideIntoBlocksIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(GgmlType.Q8_0, new float[172], 0, 172, ByteBuffer.allocate(1000)));
        assertTrue(e.getMessage().contains("172 values do not divide into Q8_0 blocks of 32"), e.getMessage());
    }

    /**
     * Every Q8_0, Q5_0 and Q4_0 tensor of llama-quantize's stories files, quantized by us from the F32 model, holds
     * exactly the bytes llama-quantize wrote.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q8_0, 32", "Q4_0, 32", "Q4_K_M, 32"})
    void matchesLlamaQuantizeByteForByte(String fileType, int tensors) {
        try (GgufFile f32 = GgufFile.open(Path.of("../shared/models/stories260K.gguf"));
             GgufFile reference = GgufFile.open(Path.of("../shared/models/stories260K-" + fileType + ".gguf"))) {
            int compared = 0;
            for (GgufTensorInfo ref : reference.tensors()) {
                if (!Set.of(GgmlType.Q8_0, GgmlType.Q5_0, GgmlType.Q4_0).contains(ref.type())) continue;
                GgufTensorInfo source = f32.tensor(ref.name());
                float[] values = f32.data(source).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
                ByteBuffer ours = ByteBuffer.allocate((int) ref.byteSize());
                Quantizer.quantize(ref.type(), values, 0, values.length, ours);
                assertArrayEquals(reference.data(ref).toArray(ValueLayout.JAVA_BYTE), ours.array(), ref.name());
                compared++;
            }
            assertEquals(tensors, compared);
        }
    }
}
