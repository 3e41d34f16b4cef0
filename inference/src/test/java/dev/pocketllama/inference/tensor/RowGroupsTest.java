package dev.pocketllama.inference.tensor;

import dev.pocketllama.inference.gguf.GgmlType;
import dev.pocketllama.inference.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row-group copy puts every byte of every row where its kernel and scalar twin read it: each row of a matrix of
 * three groups (the last one partial) reads back as the same row alone, in a group of its own at lane 0.
 */
class RowGroupsTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "Q5_0", "Q4_K", "Q6_K"})
    void everyRowReadsBackAsItselfAlone(GgmlType type) {
        assertEveryRowReadsBackAlone(type, 2 * RowGroupKernel.ROWS + 6, 512);
    }

    /**
     * A copy of 2 MiB or more is allocated differently: on a 2 MiB boundary, with huge pages asked for. 262 rows of
     * 8192 Q8_0 values make 2.5 MiB of groups of 32 rows or of 16.
     */
    @Test
    void aCopyOfSeveralMebibytesReadsBackToo() {
        assertEveryRowReadsBackAlone(GgmlType.Q8_0, 262, 8192);
    }

    private static void assertEveryRowReadsBackAlone(GgmlType type, int rows, int columns) {
        int rowBytes = (int) type.byteSize(columns);
        byte[] bytes = new byte[rows * rowBytes];
        new Random(type.id()).nextBytes(bytes);
        WeightMatrix all = matrix(type, rows, columns, bytes);
        assertEquals(true, all instanceof RowGroupKernel, type + " is kept in row groups");
        float[] got = new float[columns];
        float[] alone = new float[columns];
        for (int r = 0; r < rows; r++) {
            all.dequantizeRow(r, got, 0);
            matrix(type, 1, columns, Arrays.copyOfRange(bytes, r * rowBytes, (r + 1) * rowBytes)).dequantizeRow(0, alone, 0);
            assertArrayEquals(alone, got, type + " row " + r);
        }
    }

    private static WeightMatrix matrix(GgmlType type, int rows, int columns, byte[] bytes) {
        var info = new GgufTensorInfo("w", type, new long[] {columns, rows}, 0);
        return WeightMatrix.of(info, MemorySegment.ofArray(bytes), "test");
    }
}
