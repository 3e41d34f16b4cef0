package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.BYTES_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.LE;

/**
 * Q6_K weights. In the file: 256-value super-blocks of 128 bytes of low nibbles ({@code ql}), 64 bytes of 2-bit
 * high parts ({@code qh}), 16 int8 scales (one per 16 values) and an F16 {@code d}; value = d * scale * (6-bit quant
 * - 32). Each half of 128 values uses 64 {@code ql} bytes and 32 {@code qh} bytes: value l, l+32, l+64, l+96 take the
 * low nibble of ql[l], of ql[l+32], the high nibble of ql[l], of ql[l+32], and bits 0-1, 2-3, 4-5, 6-7 of qh[l].
 *
 * <p>At load they are copied into row groups ({@link RowGroupKernel}) with each quant less 32 unpacked to a byte (a
 * third more memory than the file's 6.56 bits a weight, for a kernel that only loads and multiplies): per group and
 * super-block, the rows' {@code d} as floats, scale g of every row side by side, then quant i of every row.
 *
 * <p>Every product is, per super-block, the exact integer sum of scale times the dot of quants and the input's Q8_K
 * quants, times {@code d} and the input's scale, added super-block after super-block: {@link #dotScalar} bit for bit.
 */
final class Q6_KMatrix extends RowGroupMatrix implements FloatTileKernel {
    private static final int BLOCK = Q8_KInput.BLOCK;
    private static final int GROUP = Q8_KInput.GROUP;
    private static final int FILE_BLOCK_BYTES = 210;
    private static final int FILE_QH = 128;
    private static final int FILE_SCALES = 192;
    private static final int FILE_D = 208;
    private static final long SCALES_AT = ROWS * 4L;
    private static final long QUANTS_AT = SCALES_AT + (long) BLOCK / GROUP * ROWS;
    private static final long GROUP_BLOCK_BYTES = QUANTS_AT + (long) BLOCK * ROWS;
    /** Values whose 16-bit dot is exact: |8 * 32 * 127| fits a short. */
    private static final int SPAN = 8;

    Q6_KMatrix(String name, MemorySegment file, int rows, int columns, RowGroupCache cache) {
        super(name, RowGroups.load(cache, name, file, rows, columns, BLOCK, FILE_BLOCK_BYTES, GROUP_BLOCK_BYTES, Q6_KMatrix::writeBlock),
                rows, columns, GgmlType.Q6_K, BLOCK, GROUP_BLOCK_BYTES);
    }

    @Override
    protected void prepare(Activation x) { x.q8_K(); }


    /** Each loading thread's quants of one super-block, row after row, before they are interleaved. */
    private static final ThreadLocal<byte[]> ROW_QUANTS = ThreadLocal.withInitial(() -> new byte[ROWS * BLOCK]);

    /**
     * One super-block of a group: each row's d as a float, scale g of every row side by side, then quant i less 32
     * of every row. The quants are unpacked row by row and then interleaved: written straight to their places, one
     * byte every {@code ROWS}, they took most of a model's load time.
     */
    private static void writeBlock(byte[] in, int start, int stride, int groupRows, byte[] out, int to) {
        RowGroups.interleaveF16AsFloats(in, start + FILE_D, stride, groupRows, out, to);
        byte[] quants = ROW_QUANTS.get();
        for (int r = 0, from = start; r < groupRows; r++, from += stride) {
            for (int g = 0; g < BLOCK / GROUP; g++) out[to + (int) SCALES_AT + g * ROWS + r] = in[from + FILE_SCALES + g];
            for (int half = 0; half < 2; half++) {
                int at = r * BLOCK + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int first = in[from + 64 * half + l] & 0xFF;
                    int second = in[from + 64 * half + 32 + l] & 0xFF;
                    int bits = in[from + FILE_QH + 32 * half + l] & 0xFF;
                    quants[at + l] = (byte) ((first & 0x0F | (bits & 3) << 4) - 32);
                    quants[at + 32 + l] = (byte) ((second & 0x0F | (bits >>> 2 & 3) << 4) - 32);
                    quants[at + 64 + l] = (byte) ((first >>> 4 | (bits >>> 4 & 3) << 4) - 32);
                    quants[at + 96 + l] = (byte) ((second >>> 4 | (bits >>> 6) << 4) - 32);
                }
            }
        }
        RowGroups.interleaveBytes(quants, 0, BLOCK, groupRows, BLOCK, out, to + (int) QUANTS_AT);
    }

    /**
     * Per {@link #SPAN} values, the 16-bit dot of quants and input is exact; a 16-value group's two, widened and
     * added, times the rows' scale of that group, add into int sums (at most 16 * 127 * 16 * 32 * 127 in magnitude)
     * that are exact per super-block. Written out in one method, stores included, as is {@link #groupTimesTwo}:
     * the JIT boxes vectors passed to a call it does not inline.
     */
    @Override
    public void groupTimesOne(int g, Activation x, float[] out) {
        Q8_KInput in = x.q8_K();
        short[] q = in.quants;
        FloatVector low = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector high = low;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            IntVector lowSum = IntVector.zero(INTS);
            IntVector highSum = lowSum;
            for (int s = 0; s < BLOCK / GROUP; s++) {
                long scales = block + SCALES_AT + (long) s * ROWS;
                IntVector lowScale = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales, LE).convertShape(VectorOperators.B2I, INTS, 0);
                IntVector highScale = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + LANES, LE).convertShape(VectorOperators.B2I, INTS, 0);
                // the group's two halves, each exact in 16 bits; a loop of constant length, which the JIT unrolls
                ShortVector first = ShortVector.zero(SHORTS);
                ShortVector second = first;
                int at = b * BLOCK + s * GROUP;
                long quants = block + QUANTS_AT + (long) s * GROUP * ROWS;
                for (int i = 0; i < SPAN; i++) {
                    first = first.add(((ShortVector) ByteVector.fromMemorySegment(BYTES, data, quants + (long) i * ROWS, LE)
                            .convertShape(VectorOperators.B2S, SHORTS, 0)).mul(q[at + i]));
                    second = second.add(((ShortVector) ByteVector.fromMemorySegment(BYTES, data, quants + (long) (i + SPAN) * ROWS, LE)
                            .convertShape(VectorOperators.B2S, SHORTS, 0)).mul(q[at + SPAN + i]));
                }
                lowSum = lowSum.add(((IntVector) first.convertShape(VectorOperators.S2I, INTS, 0))
                        .add((IntVector) second.convertShape(VectorOperators.S2I, INTS, 0)).mul(lowScale));
                highSum = highSum.add(((IntVector) first.convertShape(VectorOperators.S2I, INTS, 1))
                        .add((IntVector) second.convertShape(VectorOperators.S2I, INTS, 1)).mul(highScale));
            }
            float xs = in.scales[b];
            low = low.add(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE).mul(xs).mul((FloatVector) lowSum.convert(VectorOperators.I2F, 0)));
            high = high.add(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE).mul(xs).mul((FloatVector) highSum.convert(VectorOperators.I2F, 0)));
        }
        low.intoArray(out, g * ROWS);
        high.intoArray(out, g * ROWS + LANES);
    }

    /** {@link #groupTimesOne} for two inputs, each quant loaded once for both. */
    @Override
    public void groupTimesTwo(int g, Activation x, Activation y, float[] xOut, float[] yOut) {
        Q8_KInput xIn = x.q8_K();
        Q8_KInput yIn = y.q8_K();
        short[] qx = xIn.quants;
        short[] qy = yIn.quants;
        FloatVector xLow = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector xHigh = xLow;
        FloatVector yLow = xLow;
        FloatVector yHigh = xLow;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            IntVector xLowSum = IntVector.zero(INTS);
            IntVector xHighSum = xLowSum;
            IntVector yLowSum = xLowSum;
            IntVector yHighSum = xLowSum;
            for (int s = 0; s < BLOCK / GROUP; s++) {
                long scales = block + SCALES_AT + (long) s * ROWS;
                IntVector lowScale = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales, LE).convertShape(VectorOperators.B2I, INTS, 0);
                IntVector highScale = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + LANES, LE).convertShape(VectorOperators.B2I, INTS, 0);
                ShortVector xFirst = ShortVector.zero(SHORTS);
                ShortVector xSecond = xFirst;
                ShortVector yFirst = xFirst;
                ShortVector ySecond = xFirst;
                int at = b * BLOCK + s * GROUP;
                long quantsAt = block + QUANTS_AT + (long) s * GROUP * ROWS;
                for (int i = 0; i < SPAN; i++) {
                    ShortVector first = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, quantsAt + (long) i * ROWS, LE)
                            .convertShape(VectorOperators.B2S, SHORTS, 0);
                    ShortVector second = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, quantsAt + (long) (i + SPAN) * ROWS, LE)
                            .convertShape(VectorOperators.B2S, SHORTS, 0);
                    xFirst = xFirst.add(first.mul(qx[at + i]));
                    xSecond = xSecond.add(second.mul(qx[at + SPAN + i]));
                    yFirst = yFirst.add(first.mul(qy[at + i]));
                    ySecond = ySecond.add(second.mul(qy[at + SPAN + i]));
                }
                xLowSum = xLowSum.add(((IntVector) xFirst.convertShape(VectorOperators.S2I, INTS, 0))
                        .add((IntVector) xSecond.convertShape(VectorOperators.S2I, INTS, 0)).mul(lowScale));
                xHighSum = xHighSum.add(((IntVector) xFirst.convertShape(VectorOperators.S2I, INTS, 1))
                        .add((IntVector) xSecond.convertShape(VectorOperators.S2I, INTS, 1)).mul(highScale));
                yLowSum = yLowSum.add(((IntVector) yFirst.convertShape(VectorOperators.S2I, INTS, 0))
                        .add((IntVector) ySecond.convertShape(VectorOperators.S2I, INTS, 0)).mul(lowScale));
                yHighSum = yHighSum.add(((IntVector) yFirst.convertShape(VectorOperators.S2I, INTS, 1))
                        .add((IntVector) ySecond.convertShape(VectorOperators.S2I, INTS, 1)).mul(highScale));
            }
            FloatVector dLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE);
            FloatVector dHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE);
            xLow = xLow.add(dLow.mul(xIn.scales[b]).mul((FloatVector) xLowSum.convert(VectorOperators.I2F, 0)));
            xHigh = xHigh.add(dHigh.mul(xIn.scales[b]).mul((FloatVector) xHighSum.convert(VectorOperators.I2F, 0)));
            yLow = yLow.add(dLow.mul(yIn.scales[b]).mul((FloatVector) yLowSum.convert(VectorOperators.I2F, 0)));
            yHigh = yHigh.add(dHigh.mul(yIn.scales[b]).mul((FloatVector) yHighSum.convert(VectorOperators.I2F, 0)));
        }
        xLow.intoArray(xOut, g * ROWS);
        xHigh.intoArray(xOut, g * ROWS + LANES);
        yLow.intoArray(yOut, g * ROWS);
        yHigh.intoArray(yOut, g * ROWS + LANES);
    }

    /** Tiles pay off from 8 to 16 inputs (a 2048-column matrix, AVX-512). */
    @Override
    public int minTileInputs() { return 12; }

    @Override
    public float[] quantFloats(Activation x) { return x.q8_K().quantFloats; }

    /** The tile (super-block {@code tile}): each quant less 32 times its 16 values' scale, a half-group of rows at a time; then d. */
    @Override
    public void writeTile(int g, int tile, float[] values) {
        long block = g * groupBytes + tile * GROUP_BLOCK_BYTES;
        MemorySegment.copy(data, Vectors.FLOAT, block, values, TileProducts.SCALES_AT, ROWS);
        for (int s = 0; s < BLOCK / GROUP; s++) {
            for (int half = 0; half < ROWS; half += LANES) {
                IntVector scale = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + SCALES_AT + (long) s * ROWS + half, LE)
                        .convertShape(VectorOperators.B2I, INTS, 0);
                for (int i = s * GROUP; i < (s + 1) * GROUP; i++) {
                    ((FloatVector) ((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + QUANTS_AT + (long) i * ROWS + half, LE)
                            .convertShape(VectorOperators.B2I, INTS, 0)).mul(scale).convert(VectorOperators.I2F, 0))
                            .intoArray(values, i * ROWS + half);
                }
            }
        }
    }

    /** The segments' scaled dots, exact as ints, scaled per super-block as {@link #groupTimesOne} does. */
    @Override
    public void addTile(int tile, float[] values, Activation x, float[] dots, int dotsAt, float[] sums, int sumsAt) {
        Q8_KInput in = x.q8_K();
        IntVector lowSum = IntVector.zero(INTS);
        IntVector highSum = lowSum;
        for (int s = 0; s < TileProducts.COLUMNS / TileProducts.SEGMENT; s++) {
            int at = dotsAt + s * ROWS;
            lowSum = lowSum.add((IntVector) FloatVector.fromArray(FLOATS_PER_INTS, dots, at).convert(VectorOperators.F2I, 0));
            highSum = highSum.add((IntVector) FloatVector.fromArray(FLOATS_PER_INTS, dots, at + LANES).convert(VectorOperators.F2I, 0));
        }
        float xs = in.scales[tile];
        FloatVector low = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        low = low.add(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT).mul(xs).mul((FloatVector) lowSum.convert(VectorOperators.I2F, 0)));
        high = high.add(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT + LANES).mul(xs).mul((FloatVector) highSum.convert(VectorOperators.I2F, 0)));
        low.intoArray(sums, sumsAt);
        high.intoArray(sums, sumsAt + LANES);
    }

    @Override
    public float dotScalar(int row, Activation x) {
        Q8_KInput in = x.q8_K();
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            int sumi = 0;
            for (int s = 0; s < BLOCK / GROUP; s++) {
                int dot = 0;
                for (int i = s * GROUP; i < (s + 1) * GROUP; i++) dot += quant(row, block, i) * in.quants[b * BLOCK + i];
                sumi += scale(row, block, s) * dot;
            }
            sum += rowFloat(row, block) * in.scales[b] * sumi;
        }
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            float d = rowFloat(row, block);
            for (int i = 0; i < BLOCK; i++) out[offset + b * BLOCK + i] = d * scale(row, block, i / GROUP) * quant(row, block, i);
        }
    }

    private int scale(int row, long block, int s) { return rowByte(row, block + SCALES_AT + (long) s * ROWS); }

    /** Quant {@code i} of the super-block, less 32. */
    private int quant(int row, long block, int i) { return rowByte(row, block + QUANTS_AT + (long) i * ROWS); }
}
