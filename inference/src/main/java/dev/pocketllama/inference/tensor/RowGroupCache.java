package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.api.LoadProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model's row groups ({@link RowGroupKernel}) saved on disk, so that its later loads map them instead of copying
 * the whole file again: the first load copies and then {@link #save}s; the next ones find the saved copy and
 * take their matrices' row groups straight from its mapping, in milliseconds.
 *
 * <p>One file per model path (and row-group width, which differs between AVX-512 and AVX2), named after the model,
 * replaced whenever the model's size or modification time no longer match the ones it was made from. It starts with
 * a header (a magic, that identity, each tensor's name, offset and length); each tensor's groups start on a page.
 * A copy that cannot be read or trusted is copied afresh and saved again; one that cannot be saved only costs the
 * next load its speed.
 */
public final class RowGroupCache {
    private static final Logger LOG = LoggerFactory.getLogger(RowGroupCache.class);
    private static final byte[] MAGIC = "PLRGROUP".getBytes(StandardCharsets.US_ASCII);
    /** Raise when any type's row-group layout changes: the identity includes it, so old copies are replaced. */
    private static final int LAYOUT_VERSION = 1;
    private static final int PAGE = 4096;
    /** Bytes written per call: a buffer view of a segment is limited to 2 GiB. */
    private static final long WRITE_CHUNK = 64 << 20;

    /** Copies every load and saves nothing. */
    public static final RowGroupCache NONE = new RowGroupCache(null, null, "", Map.of());

    private final Path file;
    private final Path model;
    private final String identity;
    private final Map<String, MemorySegment> saved;
    /** Every matrix's groups this load, in load order, and whether any was copied rather than mapped. */
    private final Map<String, MemorySegment> groups = new LinkedHashMap<>();
    private boolean copied;

    private RowGroupCache(Path file, Path model, String identity, Map<String, MemorySegment> saved) {
        this.file = file;
        this.model = model;
        this.identity = identity;
        this.saved = saved;
    }

    /**
     * The cache of {@code model}'s row groups in {@code directory}: mapped if a copy made from this very file is
     * there, else empty, to be filled by this load and {@link #save}d.
     */
    public static RowGroupCache open(Path directory, Path model) {
        Path absolute = model.toAbsolutePath().normalize();
        String identity;
        try {
            identity = "pocketllama row groups, layout " + LAYOUT_VERSION + ", rows " + RowGroupKernel.ROWS + ", model "
                    + absolute + ", bytes " + Files.size(absolute) + ", modified " + Files.getLastModifiedTime(absolute).toMillis();
        } catch (IOException e) {
            return NONE; // the model's own load reports the file's problem
        }
        Path file = directory.resolve(absolute.getFileName() + "-" + shortHash(absolute + " " + RowGroupKernel.ROWS) + ".rowgroups");
        return new RowGroupCache(file, absolute, identity, readSaved(file, identity));
    }

    /** Where this cache keeps its copy (null for {@link #NONE}). */
    public Path file() { return file; }

    /** True when every matrix of this load came from the saved copy: nothing was copied, nothing needs saving. */
    public boolean mapped() { return !copied && !groups.isEmpty(); }

    /**
     * Tensor {@code name}'s row groups, {@code bytes} long: the saved copy's if it has them at that length, else
     * {@code copy}'s, to be saved.
     */
    MemorySegment groups(String name, long bytes, Supplier<MemorySegment> copy) {
        MemorySegment found = saved.get(name);
        if (found == null || found.byteSize() != bytes) {
            found = copy.get();
            copied = true;
        }
        groups.put(name, found);
        return found;
    }

    /**
     * Writes this load's row groups to the cache if any were copied: to a partial file, flushed to the disk, then
     * renamed over the old copy (a process that has the old one mapped keeps reading it), so that a crash or a
     * power cut never leaves a whole-looking copy with missing data. The partial file is locked while written: a
     * second process saving the same model at the same time leaves it to the first, and the next save reuses a
     * partial file a crash left behind. A failure (a full disk, a read-only directory) is logged, not thrown: the
     * model works, only its next load is slower.
     */
    public void save(LoadProgressListener progress) {
        if (file == null || !copied) return;
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = out.tryLock()) {
                if (lock == null) {
                    LOG.info("another process is saving the weights of {} to {}", model, file);
                    return;
                }
                try {
                    out.truncate(0);
                    writeTo(out, progress);
                    out.force(false);
                    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
            }
            LOG.info("saved the weights of {} to {} for faster loads", model, file);
        } catch (IOException | UncheckedIOException | SecurityException | OverlappingFileLockException e) {
            // not the progress listener's exception abandoning the load: that one goes on
            LOG.warn("could not save the weights of {} to {} ({}); its next load will copy the file again", model, file, e.toString());
        }
    }

    private void writeTo(FileChannel out, LoadProgressListener progress) throws IOException {
        byte[] id = identity.getBytes(StandardCharsets.UTF_8);
        int headerBytes = MAGIC.length + 8 + id.length + 4;
        for (String name : groups.keySet()) headerBytes += 4 + name.getBytes(StandardCharsets.UTF_8).length + 16;
        long at = pageUp(headerBytes);
        ByteBuffer header = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(LAYOUT_VERSION).putInt(id.length).put(id).putInt(groups.size());
        var offsets = new LinkedHashMap<String, Long>();
        for (var e : groups.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            header.putInt(name.length).put(name).putLong(at).putLong(e.getValue().byteSize());
            offsets.put(e.getKey(), at);
            at = pageUp(at + e.getValue().byteSize());
        }
        long total = at;
        writeFully(out, header.flip(), 0);
        long written = 0;
        for (var e : offsets.entrySet()) {
            MemorySegment segment = groups.get(e.getKey());
            for (long from = 0; from < segment.byteSize(); from += WRITE_CHUNK) {
                long length = Math.min(WRITE_CHUNK, segment.byteSize() - from);
                writeFully(out, segment.asSlice(from, length).asByteBuffer(), e.getValue() + from);
                written += length;
                progress.onProgress("saving weights for faster loads", (double) written / total);
            }
        }
        // the last tensor's padding, so the file is as long as the header says
        if (out.size() < total) writeFully(out, ByteBuffer.allocate(1), total - 1);
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes, long at) throws IOException {
        while (bytes.hasRemaining()) at += out.write(bytes, at);
    }

    /** The saved copy's tensors, mapped, if {@code file} is a whole copy made for {@code identity}; else none. */
    private static Map<String, MemorySegment> readSaved(Path file, String identity) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            // mapped for as long as any matrix holds a slice of it
            MemorySegment mapping = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), Arena.ofAuto());
            ByteBuffer header = mapping.asSlice(0, Math.min(mapping.byteSize(), 1 << 20)).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC) || header.getInt() != LAYOUT_VERSION) return stale(file, "not a row-group copy of this version");
            if (!identity.equals(string(header))) return stale(file, "made from another version of the model file");
            int count = header.getInt();
            var tensors = new LinkedHashMap<String, MemorySegment>();
            for (int i = 0; i < count; i++) {
                String name = string(header);
                long offset = header.getLong();
                long bytes = header.getLong();
                if (offset < 0 || bytes < 0 || offset + bytes > mapping.byteSize()) return stale(file, "shorter than its header says");
                tensors.put(name, mapping.asSlice(offset, bytes));
            }
            return tensors;
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | RuntimeException e) { // a short or garbled header reads past its end
            return stale(file, e.toString());
        }
    }

    private static Map<String, MemorySegment> stale(Path file, String why) {
        LOG.info("not using the row groups saved in {} ({}); copying the model and saving them again", file, why);
        return Map.of();
    }

    private static String string(ByteBuffer header) {
        byte[] bytes = new byte[header.getInt()];
        header.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long pageUp(long bytes) { return (bytes + PAGE - 1) / PAGE * PAGE; }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
