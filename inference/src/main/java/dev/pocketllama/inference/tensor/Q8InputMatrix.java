package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.InputColumns.SPECIES;
import static dev.pocketllama.inference.tensor.InputColumns.WIDTH;

/**
 * Weights in 32-value blocks that start with an F16 scale and multiply with the input's Q8_0 blocks (Q4_0, Q8_0,
 * Q5_0): per block an integer dot product of the quants, times both scales. Each subclass writes its whole row loop
 * (so the JIT sees one monomorphic kernel per type) and a per-block scalar twin.
 */
abstract class Q8InputMatrix extends WeightMatrix implements ColumnKernel {
    static final int BLOCK = 32;
    private final GgmlType type;
    final int blockBytes;

    Q8InputMatrix(String name, MemorySegment data, int rows, int columns, GgmlType type) {
        super(name, data, rows, columns, type);
        this.type = type;
        this.blockBytes = type.blockBytes();
    }

    @Override
    public final GgmlType type() { return type; }

    @Override
    public final void layOut(InputColumns columns, Activation[] x, int count) { columns.fillQ8_0(x, count, this.columns); }

    /** Per-thread scratch of {@link #rowsTimesColumns}: four unpacked rows, their block scales, one pass's sums. */
    private static final ThreadLocal<float[][]> COLUMN_SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[8 * WIDTH]});

    /**
     * Rows {@code [from, to)} times every input of {@code in}, four rows and two groups of inputs per pass: each
     * weight, unpacked as an integer-valued float, multiplies two groups of {@link InputColumns#WIDTH} inputs in two
     * vector steps, so a weight is unpacked once per pass and each input value loaded once per four rows. Per block,
     * the dot of the integers is exact in floats (|32 * 128 * 127| < 2^24), then added with the block's two scales:
     * {@link #dotScalar} for each row and input. An odd last group takes a pass of its own.
     */
    @Override
    public final void rowsTimesColumns(int from, int to, InputColumns in, float[][] out) {
        int blocks = columns / BLOCK;
        float[][] scratch = COLUMN_SCRATCH.get();
        if (scratch[0].length < ROWS_PER_PASS * columns || scratch[1].length < ROWS_PER_PASS * blocks) {
            scratch[0] = new float[ROWS_PER_PASS * columns];
            scratch[1] = new float[ROWS_PER_PASS * blocks];
        }
        float[] w = scratch[0];
        float[] d = scratch[1];
        for (int r = from; r < to; r += ROWS_PER_PASS) {
            // a last pass of fewer rows repeats the last row and drops its results
            for (int i = 0; i < ROWS_PER_PASS; i++) unpackRow(Math.min(r + i, to - 1), w, i * columns, d, i * blocks);
            int rows = Math.min(ROWS_PER_PASS, to - r);
            int g = 0;
            for (; g + 2 <= in.groups; g += 2) fourRowsTimesTwoGroups(w, d, scratch[2], blocks, in, g, r, rows, out);
            if (g < in.groups) fourRowsTimesOneGroup(w, d, scratch[2], blocks, in, g, r, rows, out);
        }
    }

    /** One pass of {@link #rowsTimesColumns}: 8 sums and 8 block dots of 16 inputs in registers, its own method so the JIT keeps them there. */
    private void fourRowsTimesTwoGroups(float[] w, float[] d, float[] sums, int blocks, InputColumns in, int g, int row, int rows, float[][] out) {
        float[] xq = in.quants;
        float[] xs = in.scales;
        int x0At = g * columns * WIDTH;
        int x1At = x0At + columns * WIDTH;
        int s0At = g * blocks * WIDTH;
        int s1At = s0At + blocks * WIDTH;
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int b = 0; b < blocks; b++) {
            FloatVector t00 = FloatVector.zero(SPECIES), t01 = t00, t10 = t00, t11 = t00, t20 = t00, t21 = t00, t30 = t00, t31 = t00;
            for (int k = b * BLOCK; k < (b + 1) * BLOCK; k++) {
                FloatVector x0 = FloatVector.fromArray(SPECIES, xq, x0At + k * WIDTH);
                FloatVector x1 = FloatVector.fromArray(SPECIES, xq, x1At + k * WIDTH);
                FloatVector w0 = FloatVector.broadcast(SPECIES, w[k]);
                FloatVector w1 = FloatVector.broadcast(SPECIES, w[columns + k]);
                FloatVector w2 = FloatVector.broadcast(SPECIES, w[2 * columns + k]);
                FloatVector w3 = FloatVector.broadcast(SPECIES, w[3 * columns + k]);
                t00 = x0.fma(w0, t00);
                t01 = x1.fma(w0, t01);
                t10 = x0.fma(w1, t10);
                t11 = x1.fma(w1, t11);
                t20 = x0.fma(w2, t20);
                t21 = x1.fma(w2, t21);
                t30 = x0.fma(w3, t30);
                t31 = x1.fma(w3, t31);
            }
            FloatVector s0 = FloatVector.fromArray(SPECIES, xs, s0At + b * WIDTH);
            FloatVector s1 = FloatVector.fromArray(SPECIES, xs, s1At + b * WIDTH);
            float d0 = d[b];
            float d1 = d[blocks + b];
            float d2 = d[2 * blocks + b];
            float d3 = d[3 * blocks + b];
            a00 = t00.fma(s0.mul(d0), a00);
            a01 = t01.fma(s1.mul(d0), a01);
            a10 = t10.fma(s0.mul(d1), a10);
            a11 = t11.fma(s1.mul(d1), a11);
            a20 = t20.fma(s0.mul(d2), a20);
            a21 = t21.fma(s1.mul(d2), a21);
            a30 = t30.fma(s0.mul(d3), a30);
            a31 = t31.fma(s1.mul(d3), a31);
        }
        a00.intoArray(sums, 0);
        a01.intoArray(sums, WIDTH);
        a10.intoArray(sums, 2 * WIDTH);
        a11.intoArray(sums, 3 * WIDTH);
        a20.intoArray(sums, 4 * WIDTH);
        a21.intoArray(sums, 5 * WIDTH);
        a30.intoArray(sums, 6 * WIDTH);
        a31.intoArray(sums, 7 * WIDTH);
        for (int i = 0; i < rows; i++) in.write(sums, 2 * i * WIDTH, row + i, g, out);
    }

    /**
     * The pass of {@link #fourRowsTimesTwoGroups} for a last, odd group: each block dot in two halves (even and odd
     * values, exact, added at the block's end) so eight sums are in flight, as in the two-group pass.
     */
    private void fourRowsTimesOneGroup(float[] w, float[] d, float[] sums, int blocks, InputColumns in, int g, int row, int rows, float[][] out) {
        float[] xq = in.quants;
        int xAt = g * columns * WIDTH;
        int sAt = g * blocks * WIDTH;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < blocks; b++) {
            FloatVector e0 = FloatVector.zero(SPECIES), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
            for (int k = b * BLOCK; k < (b + 1) * BLOCK; k += 2) {
                FloatVector x = FloatVector.fromArray(SPECIES, xq, xAt + k * WIDTH);
                FloatVector y = FloatVector.fromArray(SPECIES, xq, xAt + (k + 1) * WIDTH);
                e0 = x.fma(FloatVector.broadcast(SPECIES, w[k]), e0);
                o0 = y.fma(FloatVector.broadcast(SPECIES, w[k + 1]), o0);
                e1 = x.fma(FloatVector.broadcast(SPECIES, w[columns + k]), e1);
                o1 = y.fma(FloatVector.broadcast(SPECIES, w[columns + k + 1]), o1);
                e2 = x.fma(FloatVector.broadcast(SPECIES, w[2 * columns + k]), e2);
                o2 = y.fma(FloatVector.broadcast(SPECIES, w[2 * columns + k + 1]), o2);
                e3 = x.fma(FloatVector.broadcast(SPECIES, w[3 * columns + k]), e3);
                o3 = y.fma(FloatVector.broadcast(SPECIES, w[3 * columns + k + 1]), o3);
            }
            FloatVector s = FloatVector.fromArray(SPECIES, in.scales, sAt + b * WIDTH);
            a0 = e0.add(o0).fma(s.mul(d[b]), a0);
            a1 = e1.add(o1).fma(s.mul(d[blocks + b]), a1);
            a2 = e2.add(o2).fma(s.mul(d[2 * blocks + b]), a2);
            a3 = e3.add(o3).fma(s.mul(d[3 * blocks + b]), a3);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, 2 * WIDTH);
        a2.intoArray(sums, 4 * WIDTH);
        a3.intoArray(sums, 6 * WIDTH);
        for (int i = 0; i < rows; i++) in.write(sums, 2 * i * WIDTH, row + i, g, out);
    }

    /**
     * Writes row {@code row}'s values without their scales (small integers) into {@code values} from {@code valuesAt}
     * and each block's scale into {@code scales} from {@code scalesAt}.
     */
    void unpackRow(int row, float[] values, int valuesAt, float[] scales, int scalesAt) {
        long block = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++, block += blockBytes) {
            scales[scalesAt + b] = Vectors.f16(data, block);
            dequantizeBlock(block, 1f, values, valuesAt + b * BLOCK);
        }
    }

    @Override
    protected final void prepare(Activation x) { x.q8_0Quants(); }

    /**
     * A batch two inputs at a time through {@link #dot2}, so kernels can unpack each block once for two inputs
     * (four would exceed C2's inlining budget and fall back to boxed vectors); a chunk's rows are reread from cache.
     */
    @Override
    final void rowsTimesInputs(int from, int to, Activation[] x, float[][] out, int count) {
        int b = 0;
        for (; b + 2 <= count; b += 2) {
            for (int r = from; r < to; r++) dot2(r, x[b], x[b + 1], out[b], out[b + 1]);
        }
        for (; b < count; b++) {
            for (int r = from; r < to; r++) out[b][r] = dot(r, x[b]);
        }
    }

    /** Row {@code row} dotted with {@code x} into {@code xOut[row]} and with {@code y} into {@code yOut[row]}, each exactly as {@link #dot}. */
    void dot2(int row, Activation x, Activation y, float[] xOut, float[] yOut) {
        xOut[row] = dot(row, x);
        yOut[row] = dot(row, y);
    }

    /** Integer dot of the weight block at byte {@code block} with input quants {@code q[at .. at+32)}, one value at a time. */
    abstract int blockDotScalar(long block, short[] q, int at);

    /**
     * Per block the exact integer dot, added with the block's two scales in one rounding, block after block: what
     * {@link #rowsTimesColumns} gives bit for bit, and {@link #dot} to rounding.
     */
    @Override
    public final float dotScalar(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * blockBytes;
            sum = Math.fma((float) blockDotScalar(block, q, b * BLOCK), scales[b] * Vectors.f16(data, block), sum);
        }
        return sum;
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++) {
            long block = base + (long) b * blockBytes;
            dequantizeBlock(block, Vectors.f16(data, block), out, offset + b * BLOCK);
        }
    }

    /** Writes the 32 values of the block at byte {@code block}, whose scale is {@code d}. */
    abstract void dequantizeBlock(long block, float d, float[] out, int at);
}
