package dev.pocketllama.inference.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector species and little-endian loads shared by the kernels. Integer kernels widen bytes to int lanes of the
 * preferred width (at least 256 bits, so a 32-value block is one or two steps).
 */
final class Vectors {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256
            ? IntVector.SPECIES_PREFERRED : IntVector.SPECIES_256;
    /** Bytes that widen to one {@link #INTS} vector. */
    static final VectorSpecies<Byte> BYTES_PER_INTS = VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * 8));
    /** Shorts that widen to one {@link #INTS} vector. */
    static final VectorSpecies<Short> SHORTS_PER_INTS = VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.length() * 16));
    static final VectorSpecies<Float> FLOATS_PER_INTS = VectorSpecies.of(float.class, INTS.vectorShape());

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Vectors() { }

    /** The F16 value at {@code offset}, widened to float. */
    static float f16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(SHORT, offset));
    }
}
