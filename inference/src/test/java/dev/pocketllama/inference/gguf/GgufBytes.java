package dev.pocketllama.inference.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes GGUF bytes field by field, so tests can build valid files and break them exactly where they mean to. */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GgufBytes u8(int v) { out.write(v); return this; }

    GgufBytes u16(int v) { return put(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v)); }

    GgufBytes u32(int v) { return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v)); }

    GgufBytes u64(long v) { return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v)); }

    GgufBytes f32(float v) { return u32(Float.floatToIntBits(v)); }

    GgufBytes f64(double v) { return u64(Double.doubleToLongBits(v)); }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** Magic, version and the two counts. */
    GgufBytes header(int version, long tensors, long keys) { return u32(GgufParser.MAGIC).u32(version).u64(tensors).u64(keys); }

    GgufBytes key(String key, GgufValueType type) { return str(key).u32(type.ordinal()); }

    GgufBytes tensorInfo(String name, GgmlType type, long offset, long... shape) {
        str(name).u32(shape.length);
        for (long d : shape) u64(d);
        return u32(type.id()).u64(offset);
    }

    GgufBytes padTo(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    private GgufBytes put(ByteBuffer b) {
        out.writeBytes(b.array());
        return this;
    }

    byte[] bytes() { return out.toByteArray(); }

    Path write(Path file) throws IOException {
        Files.write(file, out.toByteArray());
        return file;
    }
}
