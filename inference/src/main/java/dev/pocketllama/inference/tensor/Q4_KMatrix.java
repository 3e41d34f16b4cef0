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
import static dev.pocketllama.inference.tensor.Vectors.highNibbles;

/**
 * Q4_K weights. In the file: 256-value super-blocks of an F16 {@code d}, an F16 {@code dmin}, 12 bytes packing
 * eight 6-bit scales and eight 6-bit mins (one pair per 32 values), then 128 bytes of nibbles where each 32 bytes
 * hold 64 values (low nibbles the first 32, high nibbles the next); value = d * scale * nibble - dmin * min.
 *
 * <p>At load they are copied into row groups ({@link RowGroupKernel}): per group and super-block, the rows' {@code d}
 * and {@code dmin} as floats, scale j and min j of every row as bytes, then packed byte k of every row.
 *
 * <p>Every product is, per super-block, {@code d * xs * (sum of scale * dot of nibbles and quants) - dmin * xs *
 * (sum of min * the sub-block's quant sum)} with exact integer sums, added super-block after super-block:
 * {@link #dotScalar} bit for bit.
 */
final class Q4_KMatrix extends RowGroupMatrix implements ShortTileKernel {
    private static final int BLOCK = Q8_KInput.BLOCK;
    private static final int SUB = 32;
    private static final int FILE_BLOCK_BYTES = 144;
    private static final int FILE_SCALES = 4;
    private static final int FILE_QS = 16;
    private static final long DMIN_AT = ROWS * 4L;
    private static final long SCALES_AT = 2 * ROWS * 4L;
    private static final long MINS_AT = SCALES_AT + 8L * ROWS;
    private static final long PACKED_AT = MINS_AT + 8L * ROWS;
    private static final long GROUP_BLOCK_BYTES = PACKED_AT + (long) BLOCK / 2 * ROWS;

    Q4_KMatrix(String name, MemorySegment file, int rows, int columns, RowGroupCache cache) {
        super(name, RowGroups.load(cache, name, file, rows, columns, BLOCK, FILE_BLOCK_BYTES, GROUP_BLOCK_BYTES, Q4_KMatrix::writeBlock),
                rows, columns, GgmlType.Q4_K, BLOCK, GROUP_BLOCK_BYTES);
    }

    @Override
    protected void prepare(Activation x) { x.q8_K(); }


    /** One super-block of a group: each row's d and dmin as floats, scale j and min j of every row, then packed byte k of every row. */
    private static void writeBlock(byte[] in, int from, int stride, int groupRows, byte[] out, int to) {
        RowGroups.interleaveF16AsFloats(in, from, stride, groupRows, out, to);
        RowGroups.interleaveF16AsFloats(in, from + 2, stride, groupRows, out, to + (int) DMIN_AT);
        for (int r = 0, at = from + FILE_SCALES; r < groupRows; r++, at += stride) {
            for (int j = 0; j < 8; j++) {
                out[to + (int) SCALES_AT + j * ROWS + r] = (byte) scale(in, at, j);
                out[to + (int) MINS_AT + j * ROWS + r] = (byte) min(in, at, j);
            }
        }
        RowGroups.interleaveBytes(in, from + FILE_QS, stride, groupRows, BLOCK / 2, out, to + (int) PACKED_AT);
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) from the 12 packed bytes at {@code at} (llama.cpp's get_scale_min_k4). */
    static int scale(byte[] packed, int at, int j) {
        return j < 4 ? packed[at + j] & 63 : (packed[at + j + 4] & 0x0F) | (packed[at + j - 4] & 0xFF) >>> 6 << 4;
    }

    /** The 6-bit min of sub-block {@code j}. */
    static int min(byte[] packed, int at, int j) {
        return j < 4 ? packed[at + j + 4] & 63 : (packed[at + j + 4] & 0xFF) >>> 4 | (packed[at + j] & 0xFF) >>> 6 << 4;
    }

    /**
     * Per 32 packed bytes, two sub-blocks (low and high nibbles): each 16-bit sum starts from -8 times the
     * sub-block's quant sum and adds nibble times quant; it may wrap on the way, but ends at the dot of the nibbles
     * minus 8, within 8 * 127 * 32, so exact. Widened, with 8 times the quant sum added back, times the rows' scales,
     * it adds into int sums; the mins' sums come from the input's sub-block sums. Each quant is broadcast from its
     * int pair ({@link Q8_KInput#quantPairs}): one load, where a short's broadcast costs a shuffle too (Q4_K matvec in
     * cache 8.0 -> 9.0 GB/s). Written out in one method, stores included, as is {@link #groupTimesTwo}: the JIT
     * boxes vectors passed to a call it does not inline.
     */
    @Override
    public void groupTimesOne(int g, Activation x, float[] out) {
        Q8_KInput in = x.q8_K();
        int[] q = in.quantPairs;
        int[] sums = in.groupSums;
        FloatVector low = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector high = low;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            IntVector lowSum = IntVector.zero(INTS);
            IntVector highSum = lowSum;
            IntVector lowMins = lowSum;
            IntVector highMins = lowSum;
            for (int j = 0; j < 8; j += 2) {
                int first = sums[b * 16 + 2 * j] + sums[b * 16 + 2 * j + 1];
                int second = sums[b * 16 + 2 * j + 2] + sums[b * 16 + 2 * j + 3];
                ShortVector firstDot = ShortVector.broadcast(SHORTS, (short) (-8 * first));
                ShortVector secondDot = ShortVector.broadcast(SHORTS, (short) (-8 * second));
                int at = b * BLOCK + SUB * j;
                long packedAt = block + PACKED_AT + (long) SUB / 2 * j * ROWS;
                for (int l = 0; l < SUB; l++) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, packedAt + (long) l * ROWS, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                    firstDot = firstDot.add(packed.and((short) 0x0F).mul(IntVector.broadcast(INTS, q[at + l]).reinterpretAsShorts()));
                    secondDot = secondDot.add(highNibbles(packed).mul(IntVector.broadcast(INTS, q[at + SUB + l]).reinterpretAsShorts()));
                }
                long scales = block + SCALES_AT + (long) j * ROWS;
                long mins = block + MINS_AT + (long) j * ROWS;
                lowSum = lowSum.add(((IntVector) firstDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * first)
                        .mul((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)));
                highSum = highSum.add(((IntVector) firstDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * first)
                        .mul((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)));
                lowSum = lowSum.add(((IntVector) secondDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * second)
                        .mul((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + ROWS, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)));
                highSum = highSum.add(((IntVector) secondDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * second)
                        .mul((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + ROWS + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)));
                lowMins = lowMins.add(((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)).mul(first)
                        .add(((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins + ROWS, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)).mul(second)));
                highMins = highMins.add(((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)).mul(first)
                        .add(((IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins + ROWS + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)).mul(second)));
            }
            float xs = in.scales[b];
            low = low.add(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE).mul(xs).mul((FloatVector) lowSum.convert(VectorOperators.I2F, 0))
                    .sub(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + DMIN_AT, LE).mul(xs).mul((FloatVector) lowMins.convert(VectorOperators.I2F, 0))));
            high = high.add(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE).mul(xs).mul((FloatVector) highSum.convert(VectorOperators.I2F, 0))
                    .sub(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + DMIN_AT + LANES * 4L, LE).mul(xs).mul((FloatVector) highMins.convert(VectorOperators.I2F, 0))));
        }
        low.intoArray(out, g * ROWS);
        high.intoArray(out, g * ROWS + LANES);
    }

    /** {@link #groupTimesOne} for two inputs, each packed byte unpacked once for both; the mins' sums after the scales'. */
    @Override
    public void groupTimesTwo(int g, Activation x, Activation y, float[] xOut, float[] yOut) {
        Q8_KInput xIn = x.q8_K();
        Q8_KInput yIn = y.q8_K();
        int[] qx = xIn.quantPairs;
        int[] qy = yIn.quantPairs;
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
            for (int j = 0; j < 8; j += 2) {
                int xFirst = xIn.groupSums[b * 16 + 2 * j] + xIn.groupSums[b * 16 + 2 * j + 1];
                int xSecond = xIn.groupSums[b * 16 + 2 * j + 2] + xIn.groupSums[b * 16 + 2 * j + 3];
                int yFirst = yIn.groupSums[b * 16 + 2 * j] + yIn.groupSums[b * 16 + 2 * j + 1];
                int ySecond = yIn.groupSums[b * 16 + 2 * j + 2] + yIn.groupSums[b * 16 + 2 * j + 3];
                ShortVector xFirstDot = ShortVector.broadcast(SHORTS, (short) (-8 * xFirst));
                ShortVector xSecondDot = ShortVector.broadcast(SHORTS, (short) (-8 * xSecond));
                ShortVector yFirstDot = ShortVector.broadcast(SHORTS, (short) (-8 * yFirst));
                ShortVector ySecondDot = ShortVector.broadcast(SHORTS, (short) (-8 * ySecond));
                int at = b * BLOCK + SUB * j;
                long packedAt = block + PACKED_AT + (long) SUB / 2 * j * ROWS;
                for (int l = 0; l < SUB; l++) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, packedAt + (long) l * ROWS, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                    ShortVector first = packed.and((short) 0x0F);
                    ShortVector second = highNibbles(packed);
                    xFirstDot = xFirstDot.add(first.mul(IntVector.broadcast(INTS, qx[at + l]).reinterpretAsShorts()));
                    xSecondDot = xSecondDot.add(second.mul(IntVector.broadcast(INTS, qx[at + SUB + l]).reinterpretAsShorts()));
                    yFirstDot = yFirstDot.add(first.mul(IntVector.broadcast(INTS, qy[at + l]).reinterpretAsShorts()));
                    ySecondDot = ySecondDot.add(second.mul(IntVector.broadcast(INTS, qy[at + SUB + l]).reinterpretAsShorts()));
                }
                long scales = block + SCALES_AT + (long) j * ROWS;
                IntVector firstLow = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                IntVector firstHigh = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                IntVector secondLow = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + ROWS, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                IntVector secondHigh = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, scales + ROWS + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                xLowSum = xLowSum.add(((IntVector) xFirstDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * xFirst).mul(firstLow))
                        .add(((IntVector) xSecondDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * xSecond).mul(secondLow));
                xHighSum = xHighSum.add(((IntVector) xFirstDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * xFirst).mul(firstHigh))
                        .add(((IntVector) xSecondDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * xSecond).mul(secondHigh));
                yLowSum = yLowSum.add(((IntVector) yFirstDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * yFirst).mul(firstLow))
                        .add(((IntVector) ySecondDot.convertShape(VectorOperators.S2I, INTS, 0)).add(8 * ySecond).mul(secondLow));
                yHighSum = yHighSum.add(((IntVector) yFirstDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * yFirst).mul(firstHigh))
                        .add(((IntVector) ySecondDot.convertShape(VectorOperators.S2I, INTS, 1)).add(8 * ySecond).mul(secondHigh));
            }
            IntVector xLowMins = IntVector.zero(INTS);
            IntVector xHighMins = xLowMins;
            IntVector yLowMins = xLowMins;
            IntVector yHighMins = xLowMins;
            for (int j = 0; j < 8; j++) {
                long mins = block + MINS_AT + (long) j * ROWS;
                IntVector minsLow = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                IntVector minsHigh = (IntVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, mins + LANES, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                int xSum = xIn.groupSums[b * 16 + 2 * j] + xIn.groupSums[b * 16 + 2 * j + 1];
                int ySum = yIn.groupSums[b * 16 + 2 * j] + yIn.groupSums[b * 16 + 2 * j + 1];
                xLowMins = xLowMins.add(minsLow.mul(xSum));
                xHighMins = xHighMins.add(minsHigh.mul(xSum));
                yLowMins = yLowMins.add(minsLow.mul(ySum));
                yHighMins = yHighMins.add(minsHigh.mul(ySum));
            }
            FloatVector dLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE);
            FloatVector dHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE);
            FloatVector dminLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + DMIN_AT, LE);
            FloatVector dminHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + DMIN_AT + LANES * 4L, LE);
            float xs = xIn.scales[b];
            float ys = yIn.scales[b];
            xLow = xLow.add(dLow.mul(xs).mul((FloatVector) xLowSum.convert(VectorOperators.I2F, 0))
                    .sub(dminLow.mul(xs).mul((FloatVector) xLowMins.convert(VectorOperators.I2F, 0))));
            xHigh = xHigh.add(dHigh.mul(xs).mul((FloatVector) xHighSum.convert(VectorOperators.I2F, 0))
                    .sub(dminHigh.mul(xs).mul((FloatVector) xHighMins.convert(VectorOperators.I2F, 0))));
            yLow = yLow.add(dLow.mul(ys).mul((FloatVector) yLowSum.convert(VectorOperators.I2F, 0))
                    .sub(dminLow.mul(ys).mul((FloatVector) yLowMins.convert(VectorOperators.I2F, 0))));
            yHigh = yHigh.add(dHigh.mul(ys).mul((FloatVector) yHighSum.convert(VectorOperators.I2F, 0))
                    .sub(dminHigh.mul(ys).mul((FloatVector) yHighMins.convert(VectorOperators.I2F, 0))));
        }
        xLow.intoArray(xOut, g * ROWS);
        xHigh.intoArray(xOut, g * ROWS + LANES);
        yLow.intoArray(yOut, g * ROWS);
        yHigh.intoArray(yOut, g * ROWS + LANES);
    }

    /** Tiles pay off from 16 to 32 inputs (a 2048-column matrix, AVX-512). */
    @Override
    public int minTileInputs() { return 16; }

    /**
     * Nibbles less 8, whose products with a sub-block's quants sum within 8 * 127 * 32; then d, dmin, the eight mins
     * and the eight sub-block scales, as floats.
     */
    @Override
    public void writeShortTile(int g, int tile, short[] values, float[] scales) {
        long block = g * groupBytes + tile * GROUP_BLOCK_BYTES;
        MemorySegment.copy(data, Vectors.FLOAT, block, scales, 0, 2 * ROWS);
        for (int j = 0; j < 8; j++) {
            for (int half = 0; half < ROWS; half += LANES) {
                ((FloatVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + MINS_AT + (long) j * ROWS + half, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0).convert(VectorOperators.I2F, 0))
                        .intoArray(scales, (2 + j) * ROWS + half);
                ((FloatVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + SCALES_AT + (long) j * ROWS + half, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0).convert(VectorOperators.I2F, 0))
                        .intoArray(scales, (10 + j) * ROWS + half);
            }
        }
        for (int j = 0; j < 8; j += 2) {
            long packedAt = block + PACKED_AT + (long) SUB / 2 * j * ROWS;
            for (int l = 0; l < SUB; l++) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, packedAt + (long) l * ROWS, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                packed.and((short) 0x0F).sub((short) 8).intoArray(values, (SUB * j + l) * ROWS);
                highNibbles(packed).sub((short) 8).intoArray(values, (SUB * j + SUB + l) * ROWS);
            }
        }
    }

    /**
     * Per sub-block, each input's exact dot with the nibbles less 8, plus 8 times the sub-block's quant sum, times its
     * scale, summed in ints; then per input the mins and both super-block scales, as {@link #groupTimesOne} does.
     */
    @Override
    public void addShortTile(int tile, short[] values, float[] scales, Activation x0, Activation x1, Activation x2,
                             Activation x3, float[] sums, int sumsAt) {
        Q8_KInput in0 = x0.q8_K();
        Q8_KInput in1 = x1.q8_K();
        Q8_KInput in2 = x2.q8_K();
        Q8_KInput in3 = x3.q8_K();
        int[] q0 = in0.quantPairs;
        int[] q1 = in1.quantPairs;
        int[] q2 = in2.quantPairs;
        int[] q3 = in3.quantPairs;
        IntVector low0 = IntVector.zero(INTS);
        IntVector high0 = low0;
        IntVector low1 = low0;
        IntVector high1 = low0;
        IntVector low2 = low0;
        IntVector high2 = low0;
        IntVector low3 = low0;
        IntVector high3 = low0;
        for (int j = 0; j < 8; j++) {
            ShortVector dot0 = ShortVector.zero(SHORTS);
            ShortVector dot1 = dot0;
            ShortVector dot2 = dot0;
            ShortVector dot3 = dot0;
            int at = tile * BLOCK + j * SUB;
            // a loop of constant length, which the JIT unrolls
            for (int k = 0; k < SUB; k++) {
                ShortVector w = ShortVector.fromArray(SHORTS, values, (j * SUB + k) * ROWS);
                dot0 = dot0.add(w.mul((ShortVector) IntVector.broadcast(INTS, q0[at + k]).reinterpretAsShorts()));
                dot1 = dot1.add(w.mul((ShortVector) IntVector.broadcast(INTS, q1[at + k]).reinterpretAsShorts()));
                dot2 = dot2.add(w.mul((ShortVector) IntVector.broadcast(INTS, q2[at + k]).reinterpretAsShorts()));
                dot3 = dot3.add(w.mul((ShortVector) IntVector.broadcast(INTS, q3[at + k]).reinterpretAsShorts()));
            }
            IntVector scaleLow = (IntVector) FloatVector.fromArray(FLOATS_PER_INTS, scales, (10 + j) * ROWS).convert(VectorOperators.F2I, 0);
            IntVector scaleHigh = (IntVector) FloatVector.fromArray(FLOATS_PER_INTS, scales, (10 + j) * ROWS + LANES).convert(VectorOperators.F2I, 0);
            int sums0 = 8 * (in0.groupSums[tile * 16 + 2 * j] + in0.groupSums[tile * 16 + 2 * j + 1]);
            int sums1 = 8 * (in1.groupSums[tile * 16 + 2 * j] + in1.groupSums[tile * 16 + 2 * j + 1]);
            int sums2 = 8 * (in2.groupSums[tile * 16 + 2 * j] + in2.groupSums[tile * 16 + 2 * j + 1]);
            int sums3 = 8 * (in3.groupSums[tile * 16 + 2 * j] + in3.groupSums[tile * 16 + 2 * j + 1]);
            low0 = low0.add(((IntVector) dot0.convertShape(VectorOperators.S2I, INTS, 0)).add(sums0).mul(scaleLow));
            high0 = high0.add(((IntVector) dot0.convertShape(VectorOperators.S2I, INTS, 1)).add(sums0).mul(scaleHigh));
            low1 = low1.add(((IntVector) dot1.convertShape(VectorOperators.S2I, INTS, 0)).add(sums1).mul(scaleLow));
            high1 = high1.add(((IntVector) dot1.convertShape(VectorOperators.S2I, INTS, 1)).add(sums1).mul(scaleHigh));
            low2 = low2.add(((IntVector) dot2.convertShape(VectorOperators.S2I, INTS, 0)).add(sums2).mul(scaleLow));
            high2 = high2.add(((IntVector) dot2.convertShape(VectorOperators.S2I, INTS, 1)).add(sums2).mul(scaleHigh));
            low3 = low3.add(((IntVector) dot3.convertShape(VectorOperators.S2I, INTS, 0)).add(sums3).mul(scaleLow));
            high3 = high3.add(((IntVector) dot3.convertShape(VectorOperators.S2I, INTS, 1)).add(sums3).mul(scaleHigh));
        }
        // the int sums by way of arrays: vectors passed to a call the JIT does not inline would be boxed
        int[] scaled = SCALED.get();
        low0.intoArray(scaled, 0);
        high0.intoArray(scaled, LANES);
        low1.intoArray(scaled, ROWS);
        high1.intoArray(scaled, ROWS + LANES);
        low2.intoArray(scaled, 2 * ROWS);
        high2.intoArray(scaled, 2 * ROWS + LANES);
        low3.intoArray(scaled, 3 * ROWS);
        high3.intoArray(scaled, 3 * ROWS + LANES);
        addSuperBlock(tile, scales, in0, scaled, 0, sums, sumsAt);
        addSuperBlock(tile, scales, in1, scaled, ROWS, sums, sumsAt + ROWS);
        addSuperBlock(tile, scales, in2, scaled, 2 * ROWS, sums, sumsAt + 2 * ROWS);
        addSuperBlock(tile, scales, in3, scaled, 3 * ROWS, sums, sumsAt + 3 * ROWS);
    }

    /** Each kernel thread's int sums of a pass's four inputs. */
    private static final ThreadLocal<int[]> SCALED = ThreadLocal.withInitial(() -> new int[ShortTileProducts.INPUTS_PER_PASS * ROWS]);

    /**
     * Adds to {@code sums[sumsAt + r]} the super-block's share of row r's product with {@code in}, given the sum of
     * its sub-blocks' scaled dots in {@code scaled[scaledAt + r]}: the mins' sums (exact in floats: at most
     * 8 * 63 * 32 * 127) and both scales, as {@link #groupTimesOne} adds them.
     */
    private static void addSuperBlock(int tile, float[] scales, Q8_KInput in, int[] scaled, int scaledAt, float[] sums, int sumsAt) {
        FloatVector lowMins = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector highMins = lowMins;
        for (int j = 0; j < 8; j++) {
            // a float: an int argument takes broadcast(species, long), which the JIT left uncompiled
            FloatVector quantSum = FloatVector.broadcast(FLOATS_PER_INTS, (float) (in.groupSums[tile * 16 + 2 * j] + in.groupSums[tile * 16 + 2 * j + 1]));
            lowMins = FloatVector.fromArray(FLOATS_PER_INTS, scales, (2 + j) * ROWS).fma(quantSum, lowMins);
            highMins = FloatVector.fromArray(FLOATS_PER_INTS, scales, (2 + j) * ROWS + LANES).fma(quantSum, highMins);
        }
        float xs = in.scales[tile];
        FloatVector lowSum = (FloatVector) IntVector.fromArray(INTS, scaled, scaledAt).convert(VectorOperators.I2F, 0);
        FloatVector highSum = (FloatVector) IntVector.fromArray(INTS, scaled, scaledAt + LANES).convert(VectorOperators.I2F, 0);
        FloatVector low = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        low = low.add(FloatVector.fromArray(FLOATS_PER_INTS, scales, 0).mul(xs).mul(lowSum)
                .sub(FloatVector.fromArray(FLOATS_PER_INTS, scales, ROWS).mul(xs).mul(lowMins)));
        high = high.add(FloatVector.fromArray(FLOATS_PER_INTS, scales, LANES).mul(xs).mul(highSum)
                .sub(FloatVector.fromArray(FLOATS_PER_INTS, scales, ROWS + LANES).mul(xs).mul(highMins)));
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
            int mins = 0;
            for (int j = 0; j < 8; j++) {
                int dot = 0;
                for (int l = 0; l < SUB; l++) dot += nibble(row, block, j, l) * in.quants[b * BLOCK + SUB * j + l];
                sumi += rowByte(row, block + SCALES_AT + (long) j * ROWS) * dot;
                mins += rowByte(row, block + MINS_AT + (long) j * ROWS) * (in.groupSums[b * 16 + 2 * j] + in.groupSums[b * 16 + 2 * j + 1]);
            }
            sum += rowFloat(row, block) * in.scales[b] * sumi - rowFloat(row, block + DMIN_AT) * in.scales[b] * mins;
        }
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            for (int j = 0; j < 8; j++) {
                float scale = rowFloat(row, block) * rowByte(row, block + SCALES_AT + (long) j * ROWS);
                float min = rowFloat(row, block + DMIN_AT) * rowByte(row, block + MINS_AT + (long) j * ROWS);
                for (int l = 0; l < SUB; l++) out[offset + b * BLOCK + SUB * j + l] = scale * nibble(row, block, j, l) - min;
            }
        }
    }

    /** Nibble {@code l} of sub-block {@code j}: sub-blocks 2k and 2k+1 share 32 bytes, low and high nibbles. */
    private int nibble(int row, long block, int j, int l) {
        int packed = rowByte(row, block + PACKED_AT + (long) (SUB * (j / 2) + l) * ROWS) & 0xFF;
        return j % 2 == 0 ? packed & 0x0F : packed >>> 4;
    }
}
