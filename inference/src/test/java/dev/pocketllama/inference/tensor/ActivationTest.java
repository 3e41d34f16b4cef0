package dev.pocketllama.inference.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ActivationTest {

    @Test
    void quantizesEachBlockOfThirtyTwoToItsLargestMagnitude() {
        float[] x = new float[64];
        x[0] = -2.54f;
        x[1] = 1.27f;
        x[2] = 0.01f;
        x[32] = 0.5f;
        Activation a = Activation.of(x);
        assertEquals(-127, a.q8_0Quants()[0]);
        assertEquals(64, a.q8_0Quants()[1], "1.27 * 127 / 2.54 = 63.5 rounds to the even 64");
        assertEquals(0, a.q8_0Quants()[2]);
        assertEquals(127, a.q8_0Quants()[32]);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(2.54f / 127)), a.q8_0Scales()[0]);
    }

    @Test
    void anAllZeroBlockHasScaleZeroAndChangedRecomputes() {
        Activation a = new Activation(32);
        assertEquals(0f, a.q8_0Scales()[0]);
        a.values()[5] = 3f;
        a.changed();
        assertEquals(127, a.q8_0Quants()[5]);
        assertEquals(3f, a.f16()[5]);
    }

    @Test
    void f16RoundsToHalfPrecision() {
        Activation a = Activation.of(new float[] {1.0001f, 65504f, 1e-8f});
        assertArrayEquals(new float[] {1.0f, 65504f, 0f}, a.f16());
    }
}
