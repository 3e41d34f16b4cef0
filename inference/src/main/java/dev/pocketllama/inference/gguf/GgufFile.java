package dev.pocketllama.inference.gguf;

import dev.pocketllama.inference.api.ModelLoadException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF model file, memory-mapped read-only: header, metadata and tensor infos are parsed at open, tensor data
 * stays in the mapping and is handed out as slices of it (never copied to the heap). Close it to unmap.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufParser.Header header;
    private final Map<String, GgufTensorInfo> tensors;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        var byName = new LinkedHashMap<String, GgufTensorInfo>();
        header.tensors().forEach(t -> byName.put(t.name(), t));
        this.tensors = Collections.unmodifiableMap(byName);
    }

    /** Maps and parses {@code path}; any problem is a {@link ModelLoadException} naming the file and the part. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            String name = path.toString();
            GgufParser.Header header = new GgufParser(new GgufCursor(mapping, name), name).parse();
            return new GgufFile(path, arena, mapping, header);
        } catch (IOException e) {
            arena.close();
            throw new ModelLoadException("model file " + path + ": cannot read it (" + e.getMessage()
                    + "); check the path and its permissions", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() { return path; }

    public int version() { return header.version(); }

    public GgufMetadata metadata() { return header.metadata(); }

    public int alignment() { return header.alignment(); }

    /** Where the tensor data section starts in the file. */
    public long dataOffset() { return header.dataOffset(); }

    public long fileSize() { return mapping.byteSize(); }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() { return header.tensors(); }

    public Optional<GgufTensorInfo> findTensor(String name) { return Optional.ofNullable(tensors.get(name)); }

    public GgufTensorInfo tensor(String name) {
        return findTensor(name).orElseThrow(() -> new ModelLoadException("model file " + path + ": tensor '" + name
                + "' is missing; the file is not a complete model of the architecture it declares"));
    }

    /** The tensor's bytes: a slice of the mapping, valid until {@link #close()}. */
    public MemorySegment data(GgufTensorInfo tensor) {
        return mapping.asSlice(header.dataOffset() + tensor.dataOffset(), tensor.byteSize());
    }

    @Override
    public void close() { arena.close(); }
}
