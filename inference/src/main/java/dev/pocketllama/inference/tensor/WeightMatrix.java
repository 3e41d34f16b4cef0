package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.api.ModelLoadException;
import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix read in place from the mapped file: {@code rows} rows of {@code columns} values in one GGML type.
 * Each type is one subclass with a Vector API {@link #dot} and a plain {@link #dotScalar} twin that tests hold it to;
 * adding a type means one subclass and one line in {@link #of}.
 */
public abstract class WeightMatrix {
    protected final String name;
    protected final MemorySegment data;
    protected final int rows;
    protected final int columns;
    /** Bytes of one row in the file. */
    protected final long rowBytes;

    protected WeightMatrix(String name, MemorySegment data, int rows, int columns, GgmlType type) {
        this.name = name;
        this.data = data;
        this.rows = rows;
        this.columns = columns;
        this.rowBytes = type.byteSize(columns);
    }

    /** Wraps a 1- or 2-D tensor; a type without a kernel is a {@link ModelLoadException} naming it. */
    public static WeightMatrix of(GgufTensorInfo info, MemorySegment data, String fileName) {
        return of(info, data, fileName, RowGroupCache.NONE);
    }

    /** {@link #of}, row-group types taking their row groups from {@code cache} when it has them. */
    public static WeightMatrix of(GgufTensorInfo info, MemorySegment data, String fileName, RowGroupCache cache) {
        if (info.dimensions() > 2) {
            throw new ModelLoadException("model file " + fileName + ": tensor '" + info.name() + "' has shape "
                    + info.shapeText() + ", expected at most 2 dimensions");
        }
        if (info.dim(0) > Integer.MAX_VALUE || info.dim(1) > Integer.MAX_VALUE) {
            throw new ModelLoadException("model file " + fileName + ": tensor '" + info.name() + "' has shape "
                    + info.shapeText() + ", too large for this engine");
        }
        String name = info.name();
        int rows = (int) info.dim(1);
        int columns = (int) info.dim(0);
        return switch (info.type()) {
            case F32 -> new F32Matrix(name, data, rows, columns);
            case F16 -> new F16Matrix(name, data, rows, columns);
            case Q8_0 -> Q8_0Matrix.q8_0(name, data, rows, columns, cache);
            case Q4_0 -> new Q4_0Matrix(name, data, rows, columns, cache);
            case Q5_0 -> Q8_0Matrix.q5_0(name, data, rows, columns, cache);
            case Q4_K -> new Q4_KMatrix(name, data, rows, columns, cache);
            case Q6_K -> new Q6_KMatrix(name, data, rows, columns, cache);
            case BF16 -> new BF16Matrix(name, data, rows, columns);
            default -> throw new ModelLoadException("model file " + fileName + ": tensor '" + name + "' has type "
                    + info.type() + ", which this version does not support (supported: " + SUPPORTED + ")");
        };
    }

    public static final String SUPPORTED = "F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K";

    public String name() { return name; }

    public int rows() { return rows; }

    public int columns() { return columns; }

    public abstract GgmlType type();

    /** Row {@code row} dotted with {@code x}, vectorised. */
    public abstract float dot(int row, Activation x);

    /** The same product computed one value at a time: the reference {@link #dot} is tested against. */
    public abstract float dotScalar(int row, Activation x);

    /** Writes row {@code row} as floats into {@code out} from {@code offset} (embedding lookup, tests). */
    public abstract void dequantizeRow(int row, float[] out, int offset);

    /**
     * Below this many weights a product is a few microseconds: handing it to other threads would cost more than it
     * saves (tiny models are all such products), so it runs on the caller.
     */
    static final long PARALLEL_MIN_WEIGHTS = 1 << 16;

    /** {@code out[r] = row r · x} for every row, rows split over the pool in contiguous chunks. */
    public void matvec(Activation x, float[] out, KernelPool pool) {
        if (x.length() != columns) {
            throw new IllegalArgumentException(name + ": input has " + x.length() + " values, rows have " + columns);
        }
        prepare(x);
        if (this instanceof RowGroupKernel kernel) {
            pool.groupsTimesInput(kernel, RowGroupKernel.groups(rows), x, out, (long) rows * columns < PARALLEL_MIN_WEIGHTS);
        } else if ((long) rows * columns < PARALLEL_MIN_WEIGHTS) {
            for (int r = 0; r < rows; r++) out[r] = dot(r, x);
        } else {
            pool.rowProducts(this, x, out);
        }
    }

    /**
     * {@code out[b][r] = row r · x[b]} for every row and the first {@code count} inputs: the batched product of
     * continuous batching and prompt chunks. Rows split over the pool as in {@link #matvec}, and each thread takes
     * every input through a row (or group of rows) while it is in its cache, so the weights are read from memory once
     * per batch; each product is bit for bit {@link #matvec}'s.
     */
    public final void matmul(Activation[] x, float[][] out, int count, KernelPool pool) {
        checkInputs(x, count);
        boolean small = (long) rows * columns * count < PARALLEL_MIN_WEIGHTS;
        // each input's encoding, inputs split over threads: on the caller alone, it was a tenth of a small model's prompt
        if (small) {
            for (int b = 0; b < count; b++) prepare(x[b]);
        } else {
            pool.prepareInputs(this, x, count);
        }
        if (this instanceof RowGroupKernel kernel) {
            pool.groupsTimesInputs(kernel, RowGroupKernel.groups(rows), x, out, count, small);
        } else if (small) {
            rowsTimesInputs(0, rows, x, out, count);
        } else {
            pool.rowsTimesInputs(this, x, out, count);
        }
    }

    /** Refuses inputs of the wrong length. */
    private void checkInputs(Activation[] x, int count) {
        for (int b = 0; b < count; b++) {
            if (x[b].length() != columns) {
                throw new IllegalArgumentException(name + ": input has " + x[b].length() + " values, rows have " + columns);
            }
        }
    }

    /** The products of rows {@code [from, to)} with the first {@code count} inputs, input by input through each row. */
    final void rowsTimesInputs(int from, int to, Activation[] x, float[][] out, int count) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < count; b++) out[b][r] = dot(r, x[b]);
        }
    }

    /** Computes the input encoding this type multiplies with, once and on the calling thread, before rows split. */
    protected abstract void prepare(Activation x);

    protected long rowOffset(int row) { return row * rowBytes; }
}
