package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static dev.pocketllama.inference.tensor.Vectors.BYTES_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.FIRST_HALF_ROWS;
import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.LE;
import static dev.pocketllama.inference.tensor.Vectors.SECOND_HALF_ROWS;

/**
 * Weights whose values are, per 32-value block, an F16 scale {@code d} times a small signed integer. Q8_0 stores
 * the integers as 32 int8 after {@code d}. Q5_0 stores {@code d}, a 32-bit word whose bit i is the fifth bit of
 * value i, then 16 bytes whose low nibbles are the low bits of values 0..15 and high nibbles those of 16..31; value =
 * d * (five-bit quant - 16); llama.cpp's Q4_K_M falls back to it where rows do not divide into 256-blocks.
 *
 * <p>At load both are copied into row groups ({@link RowGroupKernel}), Q5_0's values unpacked to bytes: per group
 * and block, the rows' {@code d} as floats, then value i of every row as a signed byte. Every product is, per block,
 * the exact integer dot with the input's Q8_0 quants, added with both scales in one rounding, block after block:
 * {@link #dotScalar} bit for bit.
 */
final class Q8_0Matrix extends Q8_0InputMatrix implements FloatTileKernel {
    private static final int Q8_0_BYTES = 34;
    private static final int Q5_0_BYTES = 22;
    private static final long QUANTS_AT = ROWS * 4L;
    private static final long GROUP_BLOCK_BYTES = QUANTS_AT + (long) BLOCK * ROWS;
    private static final VarHandle INT_IN_BYTES = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);


    private Q8_0Matrix(String name, MemorySegment groups, int rows, int columns, GgmlType type) {
        super(name, groups, rows, columns, type, GROUP_BLOCK_BYTES);
    }

    /** A Q8_0 tensor, copied into row groups; the file's pages are let go. */
    static Q8_0Matrix q8_0(String name, MemorySegment file, int rows, int columns, RowGroupCache cache) {
        MemorySegment groups = RowGroups.load(cache, name, file, rows, columns, BLOCK, Q8_0_BYTES, GROUP_BLOCK_BYTES,
                (in, from, stride, groupRows, out, to) -> {
                    RowGroups.interleaveF16AsFloats(in, from, stride, groupRows, out, to);
                    RowGroups.interleaveBytes(in, from + 2, stride, groupRows, BLOCK, out, to + (int) QUANTS_AT);
                });
        return new Q8_0Matrix(name, groups, rows, columns, GgmlType.Q8_0);
    }

    /** A Q5_0 tensor, its five-bit values unpacked to bytes less 16 into row groups; the file's pages are let go. */
    static Q8_0Matrix q5_0(String name, MemorySegment file, int rows, int columns, RowGroupCache cache) {
        MemorySegment groups = RowGroups.load(cache, name, file, rows, columns, BLOCK, Q5_0_BYTES, GROUP_BLOCK_BYTES,
                (in, start, stride, groupRows, out, to) -> {
                    RowGroups.interleaveF16AsFloats(in, start, stride, groupRows, out, to);
                    for (int r = 0, from = start; r < groupRows; r++, from += stride) {
                        int fifthBits = (int) INT_IN_BYTES.get(in, from + 2);
                        for (int i = 0; i < BLOCK / 2; i++) {
                            int packed = in[from + 6 + i] & 0xFF;
                            out[to + (int) QUANTS_AT + i * ROWS + r] = (byte) ((packed & 0x0F | (fifthBits >>> i & 1) << 4) - 16);
                            out[to + (int) QUANTS_AT + (i + BLOCK / 2) * ROWS + r] =
                                    (byte) ((packed >>> 4 | (fifthBits >>> (i + BLOCK / 2) & 1) << 4) - 16);
                        }
                    }
                });
        return new Q8_0Matrix(name, groups, rows, columns, GgmlType.Q5_0);
    }


    /**
     * Per pair of values, the 16-bit sum of two products (at most 2 * 128 * 127) is exact. Each int lane holds two
     * rows' sums, an even row's below an odd row's; shifted apart (immediate int shifts, where widening the upper
     * half of the shorts would take a permutation) they add into the block's int sums of even and odd rows, put back
     * in row order once per block. Written out in one method, stores included, as is
     * {@link #groupTimesTwo}: the JIT boxes vectors passed to a call it does not inline.
     */
    @Override
    public void groupTimesOne(int g, Activation x, float[] out) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        FloatVector low = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector high = low;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            int at = b * BLOCK;
            IntVector evenDot = IntVector.zero(INTS);
            IntVector oddDot = evenDot;
            for (int i = 0; i < BLOCK; i += 2) {
                ShortVector first = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + QUANTS_AT + (long) i * ROWS, LE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                ShortVector second = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + QUANTS_AT + (long) (i + 1) * ROWS, LE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                IntVector pairs = first.mul(q[at + i]).add(second.mul(q[at + i + 1])).reinterpretAsInts();
                evenDot = evenDot.add(pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                oddDot = oddDot.add(pairs.lanewise(VectorOperators.ASHR, 16));
            }
            float s = scales[b];
            low = ((FloatVector) FIRST_HALF_ROWS.selectFrom(evenDot, oddDot).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE).mul(s), low);
            high = ((FloatVector) SECOND_HALF_ROWS.selectFrom(evenDot, oddDot).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE).mul(s), high);
        }
        low.intoArray(out, g * ROWS);
        high.intoArray(out, g * ROWS + LANES);
    }

    /** {@link #groupTimesOne} for two inputs, each pair of values loaded once for both. */
    @Override
    public void groupTimesTwo(int g, Activation x, Activation y, float[] xOut, float[] yOut) {
        short[] qx = x.q8_0Quants();
        short[] qy = y.q8_0Quants();
        float[] sx = x.q8_0Scales();
        float[] sy = y.q8_0Scales();
        FloatVector xLow = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector xHigh = xLow;
        FloatVector yLow = xLow;
        FloatVector yHigh = xLow;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            int at = b * BLOCK;
            IntVector xEvenDot = IntVector.zero(INTS);
            IntVector xOddDot = xEvenDot;
            IntVector yEvenDot = xEvenDot;
            IntVector yOddDot = xEvenDot;
            for (int i = 0; i < BLOCK; i += 2) {
                ShortVector first = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + QUANTS_AT + (long) i * ROWS, LE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                ShortVector second = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + QUANTS_AT + (long) (i + 1) * ROWS, LE)
                        .convertShape(VectorOperators.B2S, SHORTS, 0);
                IntVector xPairs = first.mul(qx[at + i]).add(second.mul(qx[at + i + 1])).reinterpretAsInts();
                IntVector yPairs = first.mul(qy[at + i]).add(second.mul(qy[at + i + 1])).reinterpretAsInts();
                xEvenDot = xEvenDot.add(xPairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                xOddDot = xOddDot.add(xPairs.lanewise(VectorOperators.ASHR, 16));
                yEvenDot = yEvenDot.add(yPairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                yOddDot = yOddDot.add(yPairs.lanewise(VectorOperators.ASHR, 16));
            }
            FloatVector dLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE);
            FloatVector dHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE);
            xLow = ((FloatVector) FIRST_HALF_ROWS.selectFrom(xEvenDot, xOddDot).convert(VectorOperators.I2F, 0)).fma(dLow.mul(sx[b]), xLow);
            xHigh = ((FloatVector) SECOND_HALF_ROWS.selectFrom(xEvenDot, xOddDot).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(sx[b]), xHigh);
            yLow = ((FloatVector) FIRST_HALF_ROWS.selectFrom(yEvenDot, yOddDot).convert(VectorOperators.I2F, 0)).fma(dLow.mul(sy[b]), yLow);
            yHigh = ((FloatVector) SECOND_HALF_ROWS.selectFrom(yEvenDot, yOddDot).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(sy[b]), yHigh);
        }
        xLow.intoArray(xOut, g * ROWS);
        xHigh.intoArray(xOut, g * ROWS + LANES);
        yLow.intoArray(yOut, g * ROWS);
        yHigh.intoArray(yOut, g * ROWS + LANES);
    }

    /** Tiles pay off from 8 inputs (a 2048-column matrix, AVX-512). */
    @Override
    public int minTileInputs() { return 8; }

    @Override
    public float[] quantFloats(Activation x) { return x.q8_0QuantFloats(); }

    /** The tile's blocks one by one, a half-group of rows (one int vector) at a time, then their scales. */
    @Override
    public void writeTile(int g, int tile, float[] values) {
        int first = tile * BLOCKS_PER_TILE;
        for (int b = first; b < Math.min(blocks, first + BLOCKS_PER_TILE); b++) {
            long block = g * groupBytes + b * GROUP_BLOCK_BYTES;
            int at = (b - first) * BLOCK * ROWS;
            for (int i = 0; i < BLOCK; i++) {
                for (int half = 0; half < ROWS; half += LANES) {
                    ((FloatVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, block + QUANTS_AT + (long) i * ROWS + half, LE)
                            .convertShape(VectorOperators.B2F, FLOATS_PER_INTS, 0)).intoArray(values, at + i * ROWS + half);
                }
            }
            MemorySegment.copy(data, Vectors.FLOAT, block, values, TileProducts.SCALES_AT + (b - first) * ROWS, ROWS);
        }
    }

    /** Block after block, the dot fused-multiplied with both scales and added, as {@link #groupTimesOne} does. */
    @Override
    public void addTile(int tile, float[] values, Activation x, float[] dots, int dotsAt, float[] sums, int sumsAt) {
        float[] inputScales = x.q8_0Scales();
        int first = tile * BLOCKS_PER_TILE;
        FloatVector low = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        for (int b = first; b < Math.min(blocks, first + BLOCKS_PER_TILE); b++) {
            int at = (b - first) * ROWS;
            float s = inputScales[b];
            low = FloatVector.fromArray(FLOATS_PER_INTS, dots, dotsAt + at)
                    .fma(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT + at).mul(s), low);
            high = FloatVector.fromArray(FLOATS_PER_INTS, dots, dotsAt + at + LANES)
                    .fma(FloatVector.fromArray(FLOATS_PER_INTS, values, TileProducts.SCALES_AT + at + LANES).mul(s), high);
        }
        low.intoArray(sums, sumsAt);
        high.intoArray(sums, sumsAt + LANES);
    }

    @Override
    public float dotScalar(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            int dot = 0;
            for (int i = 0; i < BLOCK; i++) dot += quant(row, block, i) * q[b * BLOCK + i];
            sum = Math.fma((float) dot, scales[b] * rowFloat(row, block), sum);
        }
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            float d = rowFloat(row, block);
            for (int i = 0; i < BLOCK; i++) out[offset + b * BLOCK + i] = quant(row, block, i) * d;
        }
    }

    private int quant(int row, long block, int i) { return rowByte(row, block + QUANTS_AT + (long) i * ROWS); }
}
