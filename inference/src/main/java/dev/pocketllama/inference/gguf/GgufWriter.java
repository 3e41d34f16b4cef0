package dev.pocketllama.inference.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file front to back as llama.cpp lays it out: header, metadata, tensor infos, padding to the
 * alignment, then each tensor's data padded to the alignment. Tensor data is streamed in file order through
 * {@link #write(ByteBuffer)}, so a model never has to exist in memory as a whole.
 */
public final class GgufWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    /** A tensor to write: shape innermost first, as in {@link GgufTensorInfo}. */
    public record TensorSpec(String name, GgmlType type, long... shape) {
        public long byteSize() { return new GgufTensorInfo(name, type, shape, 0).byteSize(); }
    }

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final List<TensorSpec> tensors;
    private final int alignment;
    /** Bytes already handed to the channel; the file position is this plus the buffer's position. */
    private long flushed;
    private int current;
    private long currentRemaining;

    private GgufWriter(Path path, FileChannel channel, List<TensorSpec> tensors, int alignment) {
        this.path = path;
        this.channel = channel;
        this.tensors = List.copyOf(tensors);
        this.alignment = alignment;
    }

    /**
     * Creates (or replaces) {@code file} and writes everything before the tensor data. The alignment is the
     * metadata's {@code general.alignment} when present, else GGUF's default of 32.
     */
    public static GgufWriter create(Path file, Map<String, GgufMetadata.Entry> metadata, List<TensorSpec> tensors) {
        int alignment = metadata.containsKey("general.alignment")
                ? ((Number) metadata.get("general.alignment").value()).intValue() : GgufParser.DEFAULT_ALIGNMENT;
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("general.alignment must be a power of two, was " + alignment);
        }
        for (TensorSpec t : tensors) {
            if (t.shape().length == 0 || t.shape()[0] % t.type().blockSize() != 0) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': rows of " + (t.shape().length == 0 ? 0 : t.shape()[0])
                        + " values do not divide into " + t.type() + " blocks of " + t.type().blockSize());
            }
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
        GgufWriter writer = new GgufWriter(file, channel, tensors, alignment);
        writer.writeHeader(metadata);
        return writer;
    }

    private void writeHeader(Map<String, GgufMetadata.Entry> metadata) {
        putInt(GgufParser.MAGIC).putInt(3).putLong(tensors.size()).putLong(metadata.size());
        metadata.forEach((key, entry) -> {
            putString(key);
            putInt(entry.type().ordinal());
            putValue(entry.type(), entry.value(), key);
        });
        long offset = 0;
        for (TensorSpec t : tensors) {
            putString(t.name());
            putInt(t.shape().length);
            for (long d : t.shape()) putLong(d);
            putInt(t.type().id());
            putLong(offset);
            offset = GgufParser.alignUp(offset + t.byteSize(), alignment);
        }
        pad();
        startTensor(0);
    }

    private void putValue(GgufValueType type, Object value, String key) {
        switch (type) {
            case UINT8, INT8, BOOL -> room(1).put(value instanceof Boolean b ? (byte) (b ? 1 : 0) : ((Number) value).byteValue());
            case UINT16, INT16 -> room(2).putShort(((Number) value).shortValue());
            case UINT32, INT32 -> putInt(((Number) value).intValue());
            case UINT64, INT64 -> putLong(((Number) value).longValue());
            case FLOAT32 -> room(4).putFloat(((Number) value).floatValue());
            case FLOAT64 -> room(8).putDouble(((Number) value).doubleValue());
            case STRING -> putString((String) value);
            case ARRAY -> {
                GgufArray array = (GgufArray) value;
                putInt(array.elementType().ordinal());
                putLong(array.length());
                for (int i = 0; i < array.length(); i++) putValue(array.elementType(), array.get(i), key);
            }
        }
    }

    /**
     * Appends data of the current tensor (tensors come in the order given to {@link #create}); once a tensor has
     * all its bytes the writer pads and moves to the next. {@code bytes} must not run past the current tensor.
     */
    public void write(ByteBuffer bytes) {
        if (current >= tensors.size() || bytes.remaining() > currentRemaining) {
            throw new IllegalStateException(current >= tensors.size() ? "all tensors are already written"
                    : "tensor '" + tensors.get(current).name() + "' needs " + currentRemaining + " more bytes, got " + bytes.remaining());
        }
        currentRemaining -= bytes.remaining();
        while (bytes.hasRemaining()) {
            int n = Math.min(bytes.remaining(), room(1).remaining());
            buffer.put(buffer.position(), bytes, bytes.position(), n);
            buffer.position(buffer.position() + n);
            bytes.position(bytes.position() + n);
        }
        if (currentRemaining == 0) {
            pad();
            startTensor(current + 1);
        }
    }

    /** The tensor the next {@link #write} belongs to. */
    public TensorSpec currentTensor() {
        if (current >= tensors.size()) throw new IllegalStateException("all tensors are already written");
        return tensors.get(current);
    }

    private void startTensor(int index) {
        current = index;
        // A zero-byte tensor cannot exist (every dimension is at least 1), so each tensor takes at least one write.
        currentRemaining = index < tensors.size() ? tensors.get(index).byteSize() : 0;
    }

    /** Flushes and closes; a tensor left short is an error naming it, as the file would not load. */
    @Override
    public void close() {
        try (channel) {
            flush();
            if (current < tensors.size()) {
                throw new IllegalStateException(path + ": tensor '" + tensors.get(current).name() + "' is missing "
                        + currentRemaining + " bytes of data (and " + (tensors.size() - current - 1) + " tensors after it)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private void pad() {
        while ((flushed + buffer.position()) % alignment != 0) room(1).put((byte) 0);
    }

    private void putString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putLong(bytes.length);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, room(1).remaining());
            buffer.put(bytes, at, n);
            at += n;
        }
    }

    private GgufWriter putInt(int v) {
        room(4).putInt(v);
        return this;
    }

    private GgufWriter putLong(long v) {
        room(8).putLong(v);
        return this;
    }

    /** The buffer, flushed first if it has less than {@code bytes} free. */
    private ByteBuffer room(int bytes) {
        if (buffer.remaining() < bytes) flush();
        return buffer;
    }

    private void flush() {
        flushed += buffer.position();
        buffer.flip();
        try {
            while (buffer.hasRemaining()) channel.write(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
        buffer.clear();
    }
}
