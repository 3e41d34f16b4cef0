package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.pocketllama.inference.tensor.InputColumns.SPECIES;
import static dev.pocketllama.inference.tensor.InputColumns.WIDTH;
import static dev.pocketllama.inference.tensor.Vectors.INTS;

/**
 * Weights in 256-value super-blocks that multiply with the input's Q8_K blocks (Q4_K, Q6_K), as llama.cpp's CPU
 * backend does. Subclasses give one super-block's contribution to the dot product, vectorised and scalar; each writes
 * its own row loop, so no call site sees both types (two kernels inlined into one method exceed C2's inlining budget,
 * and a vector operation left out falls back to boxed vectors, ten times slower).
 */
abstract class Q8_KInputMatrix extends WeightMatrix implements ColumnKernel {
    static final int BLOCK = Q8_KInput.BLOCK;
    private final GgmlType type;

    /** Whether the type has per-sub-block mins (Q4_K) besides its scales. */
    private final boolean hasMins;
    /**
     * Values per float sum of {@link #rowsTimesColumns} that stay exact (below 2^24): 128 for Q4_K (unpacked values
     * at most 63 * 15, so 945 * 127 * 128), 32 for Q6_K (at most 128 * 32, so 4096 * 127 * 32).
     */
    private final int exactSpan;

    Q8_KInputMatrix(String name, MemorySegment data, int rows, int columns, GgmlType type, boolean hasMins, int exactSpan) {
        super(name, data, rows, columns, type);
        this.type = type;
        this.hasMins = hasMins;
        this.exactSpan = exactSpan;
    }

    @Override
    public final GgmlType type() { return type; }

    @Override
    protected final void prepare(Activation x) { x.q8_K(); }

    @Override
    public final void layOut(InputColumns columns, Activation[] x, int count) { columns.fillQ8_K(x, count, this.columns); }

    /**
     * Writes row {@code row} as integers: from {@code values[valuesAt]} each value times its integer group scale
     * (Q4_K's nibbles, Q6_K's quants less 32, at most 4096 in magnitude), and per super-block from {@code blocksAt}
     * {@code d}, and for types with mins {@code dmin} and the eight mins.
     */
    abstract void unpackRow(int row, float[] values, int valuesAt, float[] d, float[] dmin, int[] mins, int blocksAt);

    /** Per-thread scratch of {@link #rowsTimesColumns}: four unpacked rows, one pass's sums. */
    private static final class ColumnScratch {
        float[] values = new float[0];
        float[] d = new float[0];
        float[] dmin = new float[0];
        int[] mins = new int[0];
        final float[] sums = new float[8 * WIDTH];
        final int[] sumi = new int[8 * WIDTH];

        ColumnScratch sized(int columns) {
            if (values.length < ROWS_PER_PASS * columns) {
                values = new float[ROWS_PER_PASS * columns];
                d = new float[ROWS_PER_PASS * columns / BLOCK];
                dmin = new float[ROWS_PER_PASS * columns / BLOCK];
                mins = new int[ROWS_PER_PASS * columns / BLOCK * 8];
            }
            return this;
        }
    }

    private static final ThreadLocal<ColumnScratch> COLUMN_SCRATCH = ThreadLocal.withInitial(ColumnScratch::new);
    /** Q4_K's sub-blocks per super-block, each with its min. */
    private static final int SUBS = 8;

    /**
     * Rows {@code [from, to)} times every input of {@code in}, four rows and two groups of inputs per pass, as
     * {@link Q8InputMatrix#rowsTimesColumns} does. Per {@link #exactSpan} values the dot of the scaled integers is
     * exact in floats, then added in ints, so each super-block's integer sums, and from them every product,
     * are bit for bit {@link #dot}'s.
     */
    @Override
    public final void rowsTimesColumns(int from, int to, InputColumns in, float[][] out) {
        int blocks = columns / BLOCK;
        ColumnScratch s = COLUMN_SCRATCH.get().sized(columns);
        for (int r = from; r < to; r += ROWS_PER_PASS) {
            // a last pass of fewer rows repeats the last row and drops its results
            for (int i = 0; i < ROWS_PER_PASS; i++) {
                unpackRow(Math.min(r + i, to - 1), s.values, i * columns, s.d, s.dmin, s.mins, i * blocks);
            }
            int rows = Math.min(ROWS_PER_PASS, to - r);
            int g = 0;
            for (; g + 2 <= in.groups; g += 2) fourRowsTimesTwoGroups(s, blocks, in, g, r, rows, out);
            if (g < in.groups) fourRowsTimesOneGroup(s, blocks, in, g, r, rows, out);
        }
    }

    /** One pass of {@link #rowsTimesColumns}: 8 integer sums and 8 float dots of 16 inputs in registers, its own method so the JIT keeps them there. */
    private void fourRowsTimesTwoGroups(ColumnScratch s, int blocks, InputColumns in, int g, int row, int rows, float[][] out) {
        float[] xq = in.quants;
        float[] w = s.values;
        int x0At = g * columns * WIDTH;
        int x1At = x0At + columns * WIDTH;
        float[] sums = s.sums;
        Arrays.fill(sums, 0f);
        for (int b = 0; b < blocks; b++) {
            IntVector i00 = IntVector.zero(INTS), i01 = i00, i10 = i00, i11 = i00, i20 = i00, i21 = i00, i30 = i00, i31 = i00;
            for (int from = b * BLOCK; from < (b + 1) * BLOCK; from += exactSpan) {
                FloatVector t00 = FloatVector.zero(SPECIES), t01 = t00, t10 = t00, t11 = t00, t20 = t00, t21 = t00, t30 = t00, t31 = t00;
                for (int k = from; k < from + exactSpan; k++) {
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
                i00 = i00.add(ints(t00));
                i01 = i01.add(ints(t01));
                i10 = i10.add(ints(t10));
                i11 = i11.add(ints(t11));
                i20 = i20.add(ints(t20));
                i21 = i21.add(ints(t21));
                i30 = i30.add(ints(t30));
                i31 = i31.add(ints(t31));
            }
            // through memory: vectors passed to a call the JIT does not inline would be boxed
            int[] sumi = s.sumi;
            i00.intoArray(sumi, 0);
            i01.intoArray(sumi, WIDTH);
            i10.intoArray(sumi, 2 * WIDTH);
            i11.intoArray(sumi, 3 * WIDTH);
            i20.intoArray(sumi, 4 * WIDTH);
            i21.intoArray(sumi, 5 * WIDTH);
            i30.intoArray(sumi, 6 * WIDTH);
            i31.intoArray(sumi, 7 * WIDTH);
            for (int i = 0; i < ROWS_PER_PASS; i++) {
                addBlock(s, 2 * i, i * blocks + b, in, g, b, blocks);
                addBlock(s, 2 * i + 1, i * blocks + b, in, g + 1, b, blocks);
            }
        }
        for (int i = 0; i < rows; i++) in.write(sums, 2 * i * WIDTH, row + i, g, out);
    }

    /**
     * Adds super-block {@code b} of an unpacked row ({@code at}: its index among the unpacked super-blocks) times
     * input group {@code g} to sums slot {@code slot}, whose integer sums are in {@code s.sumi}, as {@link #dot}
     * does: {@code d * scale * sumi - dmin * scale * (mins times the sub-block sums)}; without mins (Q6_K) the
     * second term is zero, and subtracting zero changes nothing.
     */
    private void addBlock(ColumnScratch s, int slot, int at, InputColumns in, int g, int b, int blocks) {
        IntVector sumi = IntVector.fromArray(INTS, s.sumi, slot * WIDTH);
        FloatVector x = FloatVector.fromArray(SPECIES, in.scales, (g * blocks + b) * WIDTH);
        FloatVector term = x.mul(s.d[at]).mul(floats(sumi));
        if (hasMins) {
            IntVector mins = IntVector.zero(INTS);
            int sums = (g * blocks + b) * SUBS * WIDTH;
            for (int j = 0; j < SUBS; j++) {
                mins = mins.add(IntVector.fromArray(INTS, in.subBlockSums, sums + j * WIDTH).mul(s.mins[at * SUBS + j]));
            }
            term = term.sub(x.mul(s.dmin[at]).mul(floats(mins)));
        }
        addInto(s.sums, slot, term);
    }

    /**
     * The pass of {@link #fourRowsTimesTwoGroups} for a last, odd group: each exact dot in two halves (even and
     * odd values, exact, added at its end) so eight sums are in flight, as in the two-group pass.
     */
    private void fourRowsTimesOneGroup(ColumnScratch s, int blocks, InputColumns in, int g, int row, int rows, float[][] out) {
        float[] xq = in.quants;
        float[] w = s.values;
        int xAt = g * columns * WIDTH;
        int[] sumi = s.sumi;
        Arrays.fill(s.sums, 0f);
        for (int b = 0; b < blocks; b++) {
            IntVector i0 = IntVector.zero(INTS), i1 = i0, i2 = i0, i3 = i0;
            for (int from = b * BLOCK; from < (b + 1) * BLOCK; from += exactSpan) {
                FloatVector e0 = FloatVector.zero(SPECIES), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
                for (int k = from; k < from + exactSpan; k += 2) {
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
                i0 = i0.add(ints(e0.add(o0)));
                i1 = i1.add(ints(e1.add(o1)));
                i2 = i2.add(ints(e2.add(o2)));
                i3 = i3.add(ints(e3.add(o3)));
            }
            i0.intoArray(sumi, 0);
            i1.intoArray(sumi, 2 * WIDTH);
            i2.intoArray(sumi, 4 * WIDTH);
            i3.intoArray(sumi, 6 * WIDTH);
            for (int i = 0; i < ROWS_PER_PASS; i++) addBlock(s, 2 * i, i * blocks + b, in, g, b, blocks);
        }
        for (int i = 0; i < rows; i++) in.write(s.sums, 2 * i * WIDTH, row + i, g, out);
    }

    private static void addInto(float[] sums, int index, FloatVector term) {
        FloatVector.fromArray(SPECIES, sums, index * WIDTH).add(term).intoArray(sums, index * WIDTH);
    }

    private static IntVector ints(FloatVector integers) { return (IntVector) integers.convert(VectorOperators.F2I, 0); }

    private static FloatVector floats(IntVector v) { return (FloatVector) v.convert(VectorOperators.I2F, 0); }


    /** The same, one value at a time. */
    abstract float blockDotScalar(long block, Q8_KInput x, int b);

    /** Writes the 256 values of the super-block at byte {@code block}. */
    abstract void dequantizeBlock(long block, float[] out, int at);

    @Override
    public final float dotScalar(int row, Activation x) {
        Q8_KInput in = x.q8_K();
        long base = rowOffset(row);
        float sum = 0;
        for (int b = 0; b < columns / BLOCK; b++) sum += blockDotScalar(base + (long) b * type.blockBytes(), in, b);
        return sum;
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int offset) {
        long base = rowOffset(row);
        for (int b = 0; b < columns / BLOCK; b++) dequantizeBlock(base + (long) b * type.blockBytes(), out, offset + b * BLOCK);
    }
}
