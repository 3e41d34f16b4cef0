package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.pocketllama.inference.tensor.Vectors.FLOATS_PER_INTS;
import static dev.pocketllama.inference.tensor.Vectors.INTS;
import static dev.pocketllama.inference.tensor.Vectors.LANES;
import static dev.pocketllama.inference.tensor.Vectors.LE;
import static dev.pocketllama.inference.tensor.Vectors.highNibbles;

/**
 * Q4_0 weights: in the file, blocks of an F16 scale {@code d} then 16 bytes whose low nibbles are values 0..15 and
 * high nibbles values 16..31; value = d * (nibble - 8). At load they are copied into row groups
 * ({@link RowGroupKernel}): per group and block, the {@link #ROWS} rows' scales as floats, then for each of the 16
 * packed bytes that byte of every row.
 *
 * <p>Every product is, per block, the exact integer dot of the nibbles minus 8 with the input's Q8_0 quants, added
 * with both scales in one rounding, block after block: {@link #dotScalar} bit for bit, at every batch size.
 */
final class Q4_0Matrix extends Q8_0InputMatrix implements ShortTileKernel {
    private static final int HALF = BLOCK / 2;
    private static final int FILE_BLOCK_BYTES = 18;
    /** Bytes of one block of a group: the rows' scales, then the rows' packed bytes, byte by byte. */
    private static final long GROUP_BLOCK_BYTES = ROWS * 4L + HALF * ROWS;
    private static final long PACKED_AT = ROWS * 4L;

    /** Copies {@code file}'s rows into row groups; the copy is freed with the matrix, and the file's pages are let go. */
    Q4_0Matrix(String name, MemorySegment file, int rows, int columns, RowGroupCache cache) {
        super(name, RowGroups.load(cache, name, file, rows, columns, BLOCK, FILE_BLOCK_BYTES, GROUP_BLOCK_BYTES, Q4_0Matrix::writeBlock),
                rows, columns, GgmlType.Q4_0, GROUP_BLOCK_BYTES);
    }



    /** One block of a group: each row's F16 scale as a float, then packed byte j of every row side by side. */
    private static void writeBlock(byte[] in, int from, int stride, int groupRows, byte[] out, int to) {
        RowGroups.interleaveF16AsFloats(in, from, stride, groupRows, out, to);
        RowGroups.interleaveBytes(in, from + 2, stride, groupRows, HALF, out, to + (int) PACKED_AT);
    }

    /**
     * Per block, the 16-bit sums start from the input's -8 * (sum of quants) and add nibble times quant: they may
     * wrap on the way, but the result, the dot of the nibbles minus 8, lies within 8 * 127 * 32 and so is exact.
     * Written out in one method, stores included, as is {@link #groupTimesTwo}: the JIT boxes vectors passed to a
     * call it does not inline, and in methods this large it inlines only the smallest helpers (under 35 bytecodes, as
     * {@link Vectors#highNibbles}).
     */
    @Override
    public void groupTimesOne(int g, Activation x, float[] out) {
        int[] q = x.q8_0QuantPairs();
        short[] minusEight = x.q8_0MinusEightSums();
        float[] scales = x.q8_0Scales();
        FloatVector low = FloatVector.zero(FLOATS_PER_INTS);
        FloatVector high = low;
        long group = g * groupBytes;
        for (int b = 0; b < blocks; b++) {
            long block = group + b * GROUP_BLOCK_BYTES;
            int at = b * BLOCK;
            ShortVector sum = ShortVector.broadcast(SHORTS, minusEight[b]);
            for (int j = 0; j < HALF; j++) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + PACKED_AT + (long) j * ROWS, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                sum = sum.add(packed.and((short) 0x0F).mul(IntVector.broadcast(INTS, q[at + j]).reinterpretAsShorts()))
                        .add(highNibbles(packed).mul(IntVector.broadcast(INTS, q[at + HALF + j]).reinterpretAsShorts()));
            }
            float s = scales[b];
            FloatVector dLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE);
            FloatVector dHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE);
            low = ((FloatVector) sum.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s), low);
            high = ((FloatVector) sum.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s), high);
        }
        low.intoArray(out, g * ROWS);
        high.intoArray(out, g * ROWS + LANES);
    }

    /** {@link #groupTimesOne} for two inputs, each packed byte unpacked once for both. */
    @Override
    public void groupTimesTwo(int g, Activation x, Activation y, float[] xOut, float[] yOut) {
        int[] qx = x.q8_0QuantPairs();
        int[] qy = y.q8_0QuantPairs();
        short[] mx = x.q8_0MinusEightSums();
        short[] my = y.q8_0MinusEightSums();
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
            ShortVector xSum = ShortVector.broadcast(SHORTS, mx[b]);
            ShortVector ySum = ShortVector.broadcast(SHORTS, my[b]);
            for (int j = 0; j < HALF; j++) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + PACKED_AT + (long) j * ROWS, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                ShortVector first = packed.and((short) 0x0F);
                ShortVector second = highNibbles(packed);
                xSum = xSum.add(first.mul(IntVector.broadcast(INTS, qx[at + j]).reinterpretAsShorts()))
                        .add(second.mul(IntVector.broadcast(INTS, qx[at + HALF + j]).reinterpretAsShorts()));
                ySum = ySum.add(first.mul(IntVector.broadcast(INTS, qy[at + j]).reinterpretAsShorts()))
                        .add(second.mul(IntVector.broadcast(INTS, qy[at + HALF + j]).reinterpretAsShorts()));
            }
            FloatVector dLow = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block, LE);
            FloatVector dHigh = FloatVector.fromMemorySegment(FLOATS_PER_INTS, data, block + LANES * 4L, LE);
            xLow = ((FloatVector) xSum.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(sx[b]), xLow);
            xHigh = ((FloatVector) xSum.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(sx[b]), xHigh);
            yLow = ((FloatVector) ySum.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(sy[b]), yLow);
            yHigh = ((FloatVector) ySum.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(sy[b]), yHigh);
        }
        xLow.intoArray(xOut, g * ROWS);
        xHigh.intoArray(xOut, g * ROWS + LANES);
        yLow.intoArray(yOut, g * ROWS);
        yHigh.intoArray(yOut, g * ROWS + LANES);
    }

    /** The 16-bit kernel unpacks a byte for two products per input: tiles pay off from 32 inputs (a 2048-column matrix, AVX-512). */
    @Override
    public int minTileInputs() { return 32; }

    /** Nibbles less 8, whose products with a block's quants sum within 8 * 127 * 32; then each block's scales. */
    @Override
    public void writeShortTile(int g, int tile, short[] values, float[] scales) {
        int first = tile * BLOCKS_PER_TILE;
        for (int b = first; b < Math.min(blocks, first + BLOCKS_PER_TILE); b++) {
            long block = g * groupBytes + b * GROUP_BLOCK_BYTES;
            int at = (b - first) * BLOCK * ROWS;
            for (int j = 0; j < HALF; j++) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(BYTES, data, block + PACKED_AT + (long) j * ROWS, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
                packed.and((short) 0x0F).sub((short) 8).intoArray(values, at + j * ROWS);
                highNibbles(packed).sub((short) 8).intoArray(values, at + (HALF + j) * ROWS);
            }
            MemorySegment.copy(data, Vectors.FLOAT, block, scales, (b - first) * ROWS, ROWS);
        }
    }

    /** Per block, each input's exact dot with the values, fused-multiplied with the row's and the input's scales. */
    @Override
    public void addShortTile(int tile, short[] values, float[] scales, Activation x0, Activation x1, Activation x2,
                             Activation x3, float[] sums, int sumsAt) {
        int firstBlock = tile * BLOCKS_PER_TILE;
        int tileBlocks = Math.min(blocks - firstBlock, BLOCKS_PER_TILE);
        int[] q0 = x0.q8_0QuantPairs();
        int[] q1 = x1.q8_0QuantPairs();
        int[] q2 = x2.q8_0QuantPairs();
        int[] q3 = x3.q8_0QuantPairs();
        float[] s0 = x0.q8_0Scales();
        float[] s1 = x1.q8_0Scales();
        float[] s2 = x2.q8_0Scales();
        float[] s3 = x3.q8_0Scales();
        FloatVector low0 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt);
        FloatVector high0 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + LANES);
        FloatVector low1 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + ROWS);
        FloatVector high1 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + ROWS + LANES);
        FloatVector low2 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 2 * ROWS);
        FloatVector high2 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 2 * ROWS + LANES);
        FloatVector low3 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 3 * ROWS);
        FloatVector high3 = FloatVector.fromArray(FLOATS_PER_INTS, sums, sumsAt + 3 * ROWS + LANES);
        for (int s = 0; s < tileBlocks; s++) {
            ShortVector dot0 = ShortVector.zero(SHORTS);
            ShortVector dot1 = dot0;
            ShortVector dot2 = dot0;
            ShortVector dot3 = dot0;
            int at = (firstBlock + s) * BLOCK;
            // a loop of constant length, which the JIT unrolls
            for (int k = 0; k < BLOCK; k++) {
                ShortVector w = ShortVector.fromArray(SHORTS, values, (s * BLOCK + k) * ROWS);
                dot0 = dot0.add(w.mul((ShortVector) IntVector.broadcast(INTS, q0[at + k]).reinterpretAsShorts()));
                dot1 = dot1.add(w.mul((ShortVector) IntVector.broadcast(INTS, q1[at + k]).reinterpretAsShorts()));
                dot2 = dot2.add(w.mul((ShortVector) IntVector.broadcast(INTS, q2[at + k]).reinterpretAsShorts()));
                dot3 = dot3.add(w.mul((ShortVector) IntVector.broadcast(INTS, q3[at + k]).reinterpretAsShorts()));
            }
            FloatVector dLow = FloatVector.fromArray(FLOATS_PER_INTS, scales, s * ROWS);
            FloatVector dHigh = FloatVector.fromArray(FLOATS_PER_INTS, scales, s * ROWS + LANES);
            int b = firstBlock + s;
            low0 = ((FloatVector) dot0.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s0[b]), low0);
            high0 = ((FloatVector) dot0.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s0[b]), high0);
            low1 = ((FloatVector) dot1.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s1[b]), low1);
            high1 = ((FloatVector) dot1.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s1[b]), high1);
            low2 = ((FloatVector) dot2.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s2[b]), low2);
            high2 = ((FloatVector) dot2.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s2[b]), high2);
            low3 = ((FloatVector) dot3.convertShape(VectorOperators.S2I, INTS, 0).convert(VectorOperators.I2F, 0)).fma(dLow.mul(s3[b]), low3);
            high3 = ((FloatVector) dot3.convertShape(VectorOperators.S2I, INTS, 1).convert(VectorOperators.I2F, 0)).fma(dHigh.mul(s3[b]), high3);
        }
        low0.intoArray(sums, sumsAt);
        high0.intoArray(sums, sumsAt + LANES);
        low1.intoArray(sums, sumsAt + ROWS);
        high1.intoArray(sums, sumsAt + ROWS + LANES);
        low2.intoArray(sums, sumsAt + 2 * ROWS);
        high2.intoArray(sums, sumsAt + 2 * ROWS + LANES);
        low3.intoArray(sums, sumsAt + 3 * ROWS);
        high3.intoArray(sums, sumsAt + 3 * ROWS + LANES);
    }

    @Override
    public float dotScalar(int row, Activation x) {
        short[] q = x.q8_0Quants();
        float[] scales = x.q8_0Scales();
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            int dot = 0;
            for (int j = 0; j < HALF; j++) {
                int packed = packedByte(row, block, j);
                dot += ((packed & 0x0F) - 8) * q[b * BLOCK + j] + ((packed >>> 4) - 8) * q[b * BLOCK + HALF + j];
            }
            sum = Math.fma((float) dot, scales[b] * rowFloat(row, block), sum);
        }
        return sum;
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        for (int b = 0; b < blocks; b++) {
            long block = blockOf(row, b);
            float d = rowFloat(row, block);
            for (int j = 0; j < HALF; j++) {
                int packed = packedByte(row, block, j);
                out[offset + b * BLOCK + j] = d * ((packed & 0x0F) - 8);
                out[offset + b * BLOCK + HALF + j] = d * ((packed >>> 4) - 8);
            }
        }
    }

    private int packedByte(int row, long block, int j) { return rowByte(row, block + PACKED_AT + (long) j * ROWS) & 0xFF; }
}
