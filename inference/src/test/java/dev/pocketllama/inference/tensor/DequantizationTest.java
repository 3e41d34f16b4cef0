package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgufFile;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Raw blocks from llama.cpp-quantized files dequantize to exactly the values llama.cpp's gguf-py gives. */
class DequantizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"q4_0", "q8_0", "f16", "q5_0", "q4_k", "q6_k"})
    void matchesLlamaCppExactly(String type) {
        try (GgufFile f = GgufFile.open(Path.of("../shared/models/quant-fixture.gguf"))) {
            GgufTensorInfo raw = f.tensor(type);
            GgufTensorInfo ref = f.tensor(type + ".ref");
            WeightMatrix m = WeightMatrix.of(raw, f.data(raw), "quant-fixture.gguf");
            WeightMatrix expected = WeightMatrix.of(ref, f.data(ref), "quant-fixture.gguf");
            float[] got = new float[m.columns()];
            float[] want = new float[m.columns()];
            for (int r = 0; r < m.rows(); r++) {
                m.dequantizeRow(r, got, 0);
                expected.dequantizeRow(r, want, 0);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                            type + " row " + r + " column " + i + ": " + want[i] + " vs " + got[i]);
                }
            }
        }
    }
}
