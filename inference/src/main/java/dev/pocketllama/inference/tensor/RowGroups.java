package dev.pocketllama.inference.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

/** Builds the row-group copies of {@link RowGroupKernel} types at load. */
final class RowGroups {
    /**
     * Writes one block of a group: row r's block of the file at {@code in[from + r * stride]} for the group's
     * {@code groupRows} rows, the group's block at {@code out[to]}.
     */
    @FunctionalInterface
    interface BlockWriter {
        void write(byte[] in, int from, int stride, int groupRows, byte[] out, int to);
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ALIGNED_ALLOC = function("aligned_alloc", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = function("free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    /** Linux's madvise: its advice numbers are Linux's own. */
    private static final MethodHandle MADVISE = System.getProperty("os.name", "").startsWith("Linux")
            ? function("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))
            : null;
    private static final int MADV_HUGEPAGE = 14;
    private static final long HUGE_PAGE = 2 << 20;

    /**
     * Each loading thread's file rows and group bytes, reused from group to group: a new pair per group was a
     * gigabyte of garbage per 600 MiB model, and the heap grew to hold it.
     */
    private static final ThreadLocal<byte[][]> BUFFERS = ThreadLocal.withInitial(() -> new byte[][] {new byte[0], new byte[0]});

    private RowGroups() { }

    /**
     * Matrix {@code name}'s row groups: the ones {@code cache} saved at an earlier load, else {@link #copy}'s.
     */
    static MemorySegment load(RowGroupCache cache, String name, MemorySegment file, int rows, int columns, int blockValues,
                              int fileBlockBytes, long groupBlockBytes, BlockWriter writer) {
        long bytes = RowGroupKernel.groups(rows) * (columns / blockValues) * groupBlockBytes;
        return cache.groups(name, bytes, () -> copy(file, rows, columns, blockValues, fileBlockBytes, groupBlockBytes, writer));
    }

    /**
     * The row groups of the {@code rows} rows of {@code file}, blocks of {@code blockValues} values taking
     * {@code fileBlockBytes} in the file and {@code groupBlockBytes} per group, written group by group in parallel
     * through heap arrays; the last group's missing rows stay zero. Freed when no longer reachable; the file's pages
     * are let go.
     */
    private static MemorySegment copy(MemorySegment file, int rows, int columns, int blockValues, int fileBlockBytes,
                              long groupBlockBytes, BlockWriter writer) {
        int blocks = columns / blockValues;
        int fileRowBytes = blocks * fileBlockBytes;
        long groupBytes = blocks * groupBlockBytes;
        int groups = RowGroupKernel.groups(rows);
        MemorySegment copy = allocate(groups * groupBytes);
        int outBytes = Math.toIntExact(groupBytes);
        IntStream.range(0, groups).parallel().forEach(g -> {
            int groupRows = Math.min(RowGroupKernel.ROWS, rows - g * RowGroupKernel.ROWS);
            byte[][] buffers = BUFFERS.get();
            if (buffers[0].length < RowGroupKernel.ROWS * fileRowBytes) buffers[0] = new byte[RowGroupKernel.ROWS * fileRowBytes];
            if (buffers[1].length < outBytes) buffers[1] = new byte[outBytes];
            byte[] in = buffers[0];
            byte[] out = buffers[1];
            MemorySegment.copy(file, ValueLayout.JAVA_BYTE, (long) g * RowGroupKernel.ROWS * fileRowBytes, in, 0, groupRows * fileRowBytes);
            Arrays.fill(out, 0, outBytes, (byte) 0);
            for (int b = 0; b < blocks; b++) {
                writer.write(in, b * fileBlockBytes, fileRowBytes, groupRows, out, (int) (b * groupBlockBytes));
            }
            MemorySegment.copy(out, 0, copy, ValueLayout.JAVA_BYTE, g * groupBytes, outBytes);
        });
        if (file.isMapped()) file.unload();
        return copy;
    }

    /**
     * Interleaves {@code bytes} bytes (a multiple of 8) of each of a group's rows: byte j of row r, at {@code in[from
     * + r * stride + j]}, goes to {@code out[to + j * ROWS + r]}; rows from {@code groupRows} on are zero. Eight rows
     * and eight bytes at a time, as eight longs transposed in registers.
     */
    static void interleaveBytes(byte[] in, int from, int stride, int groupRows, int bytes, byte[] out, int to) {
        for (int r = 0; r < RowGroupKernel.ROWS; r += 8) {
            for (int j = 0; j < bytes; j += 8) {
                long a0 = row(in, from + j, stride, r, groupRows);
                long a1 = row(in, from + j, stride, r + 1, groupRows);
                long a2 = row(in, from + j, stride, r + 2, groupRows);
                long a3 = row(in, from + j, stride, r + 3, groupRows);
                long a4 = row(in, from + j, stride, r + 4, groupRows);
                long a5 = row(in, from + j, stride, r + 5, groupRows);
                long a6 = row(in, from + j, stride, r + 6, groupRows);
                long a7 = row(in, from + j, stride, r + 7, groupRows);
                // swap 4-byte halves between longs 4 apart, then 2-byte quarters 2 apart, then bytes 1 apart
                long t;
                t = (a0 >>> 32 ^ a4) & HALVES; a4 ^= t; a0 ^= t << 32;
                t = (a1 >>> 32 ^ a5) & HALVES; a5 ^= t; a1 ^= t << 32;
                t = (a2 >>> 32 ^ a6) & HALVES; a6 ^= t; a2 ^= t << 32;
                t = (a3 >>> 32 ^ a7) & HALVES; a7 ^= t; a3 ^= t << 32;
                t = (a0 >>> 16 ^ a2) & QUARTERS; a2 ^= t; a0 ^= t << 16;
                t = (a1 >>> 16 ^ a3) & QUARTERS; a3 ^= t; a1 ^= t << 16;
                t = (a4 >>> 16 ^ a6) & QUARTERS; a6 ^= t; a4 ^= t << 16;
                t = (a5 >>> 16 ^ a7) & QUARTERS; a7 ^= t; a5 ^= t << 16;
                t = (a0 >>> 8 ^ a1) & EIGHTHS; a1 ^= t; a0 ^= t << 8;
                t = (a2 >>> 8 ^ a3) & EIGHTHS; a3 ^= t; a2 ^= t << 8;
                t = (a4 >>> 8 ^ a5) & EIGHTHS; a5 ^= t; a4 ^= t << 8;
                t = (a6 >>> 8 ^ a7) & EIGHTHS; a7 ^= t; a6 ^= t << 8;
                int at = to + j * RowGroupKernel.ROWS + r;
                LONG_IN_BYTES.set(out, at, a0);
                LONG_IN_BYTES.set(out, at + RowGroupKernel.ROWS, a1);
                LONG_IN_BYTES.set(out, at + 2 * RowGroupKernel.ROWS, a2);
                LONG_IN_BYTES.set(out, at + 3 * RowGroupKernel.ROWS, a3);
                LONG_IN_BYTES.set(out, at + 4 * RowGroupKernel.ROWS, a4);
                LONG_IN_BYTES.set(out, at + 5 * RowGroupKernel.ROWS, a5);
                LONG_IN_BYTES.set(out, at + 6 * RowGroupKernel.ROWS, a6);
                LONG_IN_BYTES.set(out, at + 7 * RowGroupKernel.ROWS, a7);
            }
        }
    }

    /** Each row's F16 at {@code in[from + r * stride]} (little-endian) as a float, side by side from {@code out[to]}. */
    static void interleaveF16AsFloats(byte[] in, int from, int stride, int groupRows, byte[] out, int to) {
        for (int r = 0, at = from; r < groupRows; r++, at += stride) {
            FLOAT_IN_BYTES.set(out, to + 4 * r, Float.float16ToFloat((short) (in[at] & 0xFF | in[at + 1] << 8)));
        }
    }

    private static final VarHandle FLOAT_IN_BYTES = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HALVES = 0x00000000FFFFFFFFL;
    private static final long QUARTERS = 0x0000FFFF0000FFFFL;
    private static final long EIGHTHS = 0x00FF00FF00FF00FFL;
    private static final VarHandle LONG_IN_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static long row(byte[] in, int at, int stride, int r, int groupRows) {
        return r < groupRows ? (long) LONG_IN_BYTES.get(in, at + r * stride) : 0;
    }

    /**
     * Memory from the C library where it has one: the Arena API zeroes what it allocates, a single-threaded first
     * touch of every page (half a second for 600 MB on a virtual machine) that the parallel copy would repeat anyway.
     * A copy of 2 MiB or more starts on a 2 MiB boundary and asks Linux for huge pages: its first touch then costs
     * a fault per 2 MiB instead of per 4 KiB, and reading the weights for every token misses the TLB less.
     */
    private static MemorySegment allocate(long bytes) {
        if (ALIGNED_ALLOC == null || FREE == null) return Arena.ofAuto().allocate(bytes, 64);
        boolean huge = bytes >= HUGE_PAGE;
        long alignment = huge ? HUGE_PAGE : 64;
        MemorySegment raw;
        try {
            // C11 asks for a multiple of the alignment (some C libraries refuse others); the tail is never touched
            raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, (bytes + alignment - 1) / alignment * alignment);
        } catch (Throwable e) {
            throw new IllegalStateException("aligned_alloc failed", e);
        }
        if (raw.address() == 0) throw new OutOfMemoryError("no memory for " + bytes + " bytes of weights");
        if (huge && MADVISE != null) {
            try {
                int ignored = (int) MADVISE.invokeExact(raw, bytes, MADV_HUGEPAGE); // advice: small pages still work
            } catch (Throwable e) {
                throw new IllegalStateException("madvise failed", e);
            }
        }
        return raw.reinterpret(bytes, Arena.ofAuto(), RowGroups::free);
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.defaultLookup().find(name).map(f -> LINKER.downcallHandle(f, descriptor)).orElse(null);
    }

    private static void free(MemorySegment memory) {
        try {
            FREE.invokeExact(memory);
        } catch (Throwable e) {
            throw new IllegalStateException("free failed", e);
        }
    }
}
