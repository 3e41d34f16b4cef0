package dev.pocketllama.inference.tensor;

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
 * Vector species, little-endian layouts and the fixed-order lane sum shared by the kernels: ints and floats of the
 * preferred width (at least 256 bits; 16 lanes on AVX-512), and the bytes and shorts that widen to them.
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

    /**
     * For sums kept as even rows (lanes 0..) and odd rows (lanes {@code LANES}..) of a group: where each row of the
     * group's first and second halves is, for {@link IntVector#selectFrom(jdk.incubator.vector.Vector,
     * jdk.incubator.vector.Vector)} to put them back in row order.
     */
    static final IntVector FIRST_HALF_ROWS = IntVector.fromArray(INTS, halfRows(0), 0);
    static final IntVector SECOND_HALF_ROWS = IntVector.fromArray(INTS, halfRows(LANES), 0);

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Rotations by half, a quarter, an eighth and a sixteenth of the lanes: the steps of {@link #sum}. */
    private static final VectorShuffle<Float> HALF = rotation(2);
    private static final VectorShuffle<Float> QUARTER = rotation(4);
    private static final VectorShuffle<Float> EIGHTH = rotation(8);
    private static final VectorShuffle<Float> SIXTEENTH = rotation(16);

    private Vectors() { }

    private static int[] halfRows(int firstRow) {
        int[] at = new int[LANES];
        for (int j = 0; j < LANES; j++) {
            int row = firstRow + j;
            at[j] = row / 2 + (row % 2) * LANES;
        }
        return at;
    }

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

    /**
     * The high nibbles of zero-extended packed bytes: shifted as ints, whose lanes each hold two shorts, then masked,
     * which clears the bits the upper short shifted into the lower. x86 has no immediate form of C2's 16-bit shift:
     * shifting shorts costs two more port-5 operations per use in the nibble kernels' loops. Under 35 bytecodes, so C2
     * inlines it even into those large methods (a call it did not inline would box the vectors).
     */
    static ShortVector highNibbles(ShortVector packed) {
        return packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts().and((short) 0x0F);
    }

    /** The F16 value at {@code offset}, widened to float. */
    static float f16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(SHORT, offset));
    }

}
