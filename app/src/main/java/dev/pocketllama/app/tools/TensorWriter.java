package dev.pocketllama.app.tools;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufWriter;
import dev.pocketllama.inference.tensor.Quantizer;

import java.nio.ByteBuffer;

/** Streams tensors into a {@link GgufWriter} one row at a time: a row is made as floats, then converted and written. */
final class TensorWriter {

    /** Fills {@code row} with the values of row {@code index}. */
    @FunctionalInterface
    interface RowSource {
        void fill(int index, float[] row);
    }

    private final GgufWriter writer;
    private final ProgressBar progress;

    TensorWriter(GgufWriter writer, ProgressBar progress) {
        this.writer = writer;
        this.progress = progress;
    }

    /** Writes the writer's current tensor ({@code rows} of {@code columns} values) as its declared type. */
    void write(int rows, int columns, RowSource source) {
        GgmlType type = writer.currentTensor().type();
        float[] row = new float[columns];
        ByteBuffer bytes = ByteBuffer.allocate((int) type.byteSize(columns));
        for (int r = 0; r < rows; r++) {
            source.fill(r, row);
            bytes.clear();
            Quantizer.quantize(type, row, 0, columns, bytes);
            writer.write(bytes.flip());
            progress.advance(columns);
        }
    }
}
