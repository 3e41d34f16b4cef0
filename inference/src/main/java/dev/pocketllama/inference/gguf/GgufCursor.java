package dev.pocketllama.inference.gguf;

import dev.pocketllama.inference.api.ModelLoadException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads little-endian values from a mapped file front to back, checking before every read that the bytes exist,
 * so a truncated or hostile header gives a message naming what was being read instead of an exception from deep down.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final String fileName;
    private long position;

    GgufCursor(MemorySegment file, String fileName) {
        this.file = file;
        this.fileName = fileName;
    }

    long position() { return position; }

    long remaining() { return file.byteSize() - position; }

    long fileSize() { return file.byteSize(); }

    ModelLoadException problem(String detail) {
        return new ModelLoadException("model file " + fileName + ": " + detail);
    }

    private long take(long bytes, String what) {
        if (bytes > remaining()) {
            throw problem("file is truncated: " + what + " needs " + bytes + " bytes at offset " + position
                    + ", but the file ends at " + file.byteSize() + " (re-download or re-convert the model)");
        }
        long at = position;
        position += bytes;
        return at;
    }

    int u8(String what) { return file.get(ValueLayout.JAVA_BYTE, take(1, what)) & 0xFF; }

    int i8(String what) { return file.get(ValueLayout.JAVA_BYTE, take(1, what)); }

    int u16(String what) { return file.get(SHORT, take(2, what)) & 0xFFFF; }

    int i16(String what) { return file.get(SHORT, take(2, what)); }

    int i32(String what) { return file.get(INT, take(4, what)); }

    long u32(String what) { return Integer.toUnsignedLong(i32(what)); }

    long i64(String what) { return file.get(LONG, take(8, what)); }

    float f32(String what) { return Float.intBitsToFloat(i32(what)); }

    double f64(String what) { return Double.longBitsToDouble(i64(what)); }

    /** A count or size stored as an unsigned 64-bit value, refused when it cannot be real. */
    long count(String what, long max) {
        long n = i64(what);
        if (n < 0 || n > max) {
            throw problem(what + " is " + Long.toUnsignedString(n) + ", more than the " + max + " the file can hold");
        }
        return n;
    }

    String string(String what) {
        long length = i64(what + " length");
        if (length < 0 || length > remaining() || length > Integer.MAX_VALUE - 8) {
            throw problem(what + " claims a length of " + Long.toUnsignedString(length) + " bytes, but only "
                    + remaining() + " bytes remain in the file");
        }
        byte[] bytes = file.asSlice(take(length, what), length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    void skipTo(long offset) { position = offset; }
}
