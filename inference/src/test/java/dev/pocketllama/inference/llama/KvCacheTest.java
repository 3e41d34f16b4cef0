package dev.pocketllama.inference.llama;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The value bound attention trusts to skip F16's overflow check. */
class KvCacheTest {
    private static final LlamaConfig CONFIG = new LlamaConfig(16, 8, 2, 2, 2, 8, 16, 64, 1e-5f, 10000f, 8);

    @Test
    void eachLayersValueBoundCoversEveryValueStoredInItAsF16() {
        KvCache cache = new KvCache(CONFIG, 40);
        cache.ensure(40);
        Random random = new Random(4);
        float[] largest = new float[2];
        for (int position = 0; position < 40; position++) {
            for (int layer = 0; layer < 2; layer++) {
                float[] v = new float[CONFIG.kvDim()];
                for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian() * (layer + 1) * 100;
                cache.store(layer, position, new float[CONFIG.kvDim()], v);
                for (float value : v) largest[layer] = Math.max(largest[layer], Math.abs(HeadVectors.f16(value)));
                assertTrue(cache.valueBound(layer) >= largest[layer], "layer " + layer + " at " + position);
            }
        }
        assertEquals(largest[0], cache.valueBound(0));
        assertEquals(largest[1], cache.valueBound(1));
    }

    @Test
    void aNaNValueLeavesTheLayerWithoutABound() {
        KvCache cache = new KvCache(CONFIG, 8);
        float[] v = new float[CONFIG.kvDim()];
        v[3] = Float.NaN;
        cache.store(1, 0, new float[CONFIG.kvDim()], v);
        cache.store(1, 1, new float[CONFIG.kvDim()], new float[CONFIG.kvDim()]);
        assertTrue(Float.isNaN(cache.valueBound(1)));
        assertEquals(0f, cache.valueBound(0));
    }
}
