package dev.pocketllama.inference.tensor;

/**
 * Each thread's output arrays for a matrix's last group when its rows end inside the group: the kernels store whole
 * groups ({@link RowGroupKernel#groupTimesOne}), so they write there and the rows that exist are copied out.
 */
final class PaddedOutputs {
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[0][0]);

    private PaddedOutputs() { }

    /** At least {@code count} arrays of at least {@code length} floats, grown as needed and reused. */
    static float[][] of(int count, int length) {
        float[][] arrays = SCRATCH.get();
        if (arrays.length < count || arrays.length > 0 && arrays[0].length < length) {
            arrays = new float[Math.max(count, arrays.length)][Math.max(length, arrays.length > 0 ? arrays[0].length : 0)];
            SCRATCH.set(arrays);
        }
        return arrays;
    }
}
