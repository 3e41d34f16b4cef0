package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector species, little-endian loads and the widening steps shared by the kernels. Integer kernels multiply int8
 * quants in 16-bit lanes (a product of two int8 fits, and so does the sum of two) and widen the sums to int lanes of
 * the preferred width (at least 256 bits, so a 32-value block is one or two steps): on AVX-512 that is 16 lanes of
 * shorts from 16 bytes, then one widening to 16 ints.
 */
final class Vectors {
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256
            ? IntVector.SPECIES_PREFERRED : IntVector.SPECIES_256;
    /** Lanes of every integer kernel step. */
    static final int LANES = INTS.length();
    /** Bytes that widen to one {@link #INTS} vector. */
    static final VectorSpecies<Byte> BYTES_PER_INTS = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
    /** Shorts that widen to one {@link #INTS} vector. */
    static final VectorSpecies<Short> SHORTS_PER_INTS = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    static final VectorSpecies<Float> FLOATS_PER_INTS = VectorSpecies.of(float.class, INTS.vectorShape());

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Rotations by half, a quarter, an eighth and a sixteenth of the lanes: the steps of {@link #sum}. */
    private static final VectorShuffle<Float> HALF = rotation(2);
    private static final VectorShuffle<Float> QUARTER = rotation(4);
    private static final VectorShuffle<Float> EIGHTH = rotation(8);
    private static final VectorShuffle<Float> SIXTEENTH = rotation(16);

    private Vectors() { }

    private static VectorShuffle<Float> rotation(int fraction) {
        int lanes = FLOATS_PER_INTS.length();
        return VectorShuffle.fromOp(FLOATS_PER_INTS, i -> (i + Math.max(1, lanes / fraction)) % lanes);
    }

    /**
     * The lanes' sum in a fixed order (halves added lane by lane, then quarters, ...), so a row's dot product is the
     * same compiled or interpreted: {@code reduceLanes(ADD)} on floats may change its order between the two, and
     * with it the last bits of a logit.
     */
    static float sum(FloatVector v) {
        // at least 8 lanes (INTS is at least 256 bits), at most 16
        v = v.add(v.rearrange(HALF));
        v = v.add(v.rearrange(QUARTER));
        v = v.add(v.rearrange(EIGHTH));
        if (FLOATS_PER_INTS.length() == 16) v = v.add(v.rearrange(SIXTEENTH));
        return v.lane(0);
    }

    /** The F16 value at {@code offset}, widened to float. */
    static float f16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(SHORT, offset));
    }

    /** {@link #LANES} bytes at {@code offset}, sign-extended to shorts. */
    static ShortVector bytesAsShorts(MemorySegment data, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(BYTES_PER_INTS, data, offset, LE)
                .convertShape(VectorOperators.B2S, SHORTS_PER_INTS, 0);
    }

    /** {@link #LANES} bytes as floats, each byte less {@code offset}, written to {@code out} from {@code at}. */
    static void bytesAsFloats(ByteVector bytes, int offset, float[] out, int at) {
        ((FloatVector) bytes.sub((byte) offset).convertShape(VectorOperators.B2F, FLOATS_PER_INTS, 0)).intoArray(out, at);
    }

    /** {@link #LANES} shorts as floats, written to {@code out} from {@code at}. */
    static void shortsAsFloats(ShortVector shorts, float[] out, int at) {
        ((FloatVector) shorts.convertShape(VectorOperators.S2F, FLOATS_PER_INTS, 0)).intoArray(out, at);
    }

    /** {@link #LANES} bytes at {@code offset}. */
    static ByteVector bytes(MemorySegment data, long offset) {
        return ByteVector.fromMemorySegment(BYTES_PER_INTS, data, offset, LE);
    }

    /** {@link #LANES} input quants from {@code at}. */
    static ShortVector quants(short[] q, int at) {
        return ShortVector.fromArray(SHORTS_PER_INTS, q, at);
    }

    /** 16-bit sums widened to ints. */
    static IntVector widen(ShortVector sums) {
        return (IntVector) sums.convertShape(VectorOperators.S2I, INTS, 0);
    }

    /** {@code acc + sums * scale}, the sums converted to float: one block's share of a row's dot product. */
    static FloatVector fma(IntVector sums, float scale, FloatVector acc) {
        return ((FloatVector) sums.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_PER_INTS, scale), acc);
    }
}
