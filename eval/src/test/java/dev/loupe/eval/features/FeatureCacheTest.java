package dev.loupe.eval.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {
    @TempDir
    Path dir;

    private static FeatureSet sample() {
        return new FeatureSet(
                Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
                Tensor.ofLongs(new long[] {2, 0, 1}, 3),
                List.of("cat", "dog", "t-shirt/top"));
    }

    @Test
    void roundTripKeepsFeaturesLabelsAndNames() throws IOException {
        Path weights = Files.writeString(dir.resolve("w.safetensors"), "weights v1");
        FeatureCache cache = new FeatureCache(dir.resolve("cache"));
        String key = FeatureCache.key(weights, "fmnist/test", "normalize", "cls");
        assertTrue(cache.load(key).isEmpty());
        AtomicInteger computed = new AtomicInteger();
        FeatureSet first = cache.getOrCompute(key, () -> {
            computed.incrementAndGet();
            return sample();
        });
        FeatureSet again = cache.getOrCompute(key, () -> {
            computed.incrementAndGet();
            return sample();
        });
        assertEquals(1, computed.get(), "the second call is a cache hit");
        assertArrayEquals(first.features().toFloatArray(), again.features().toFloatArray());
        assertArrayEquals(first.labels().toLongArray(), again.labels().toLongArray());
        assertEquals(first.classNames(), again.classNames());
    }

    @Test
    void changedWeightsOrSettingsGiveNewKeys() throws IOException {
        Path weights = Files.writeString(dir.resolve("w.safetensors"), "weights v1");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(1_000_000));
        String key = FeatureCache.key(weights, "d", "t", "cls");
        assertEquals(key, FeatureCache.key(weights, "d", "t", "cls"), "keys are stable");
        assertNotEquals(key, FeatureCache.key(weights, "d", "t", "mean"));
        assertNotEquals(key, FeatureCache.key(weights, "d2", "t", "cls"));
        assertNotEquals(key, FeatureCache.key(weights, "d", "t2", "cls"));
        Files.writeString(weights, "weights v2, retrained");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(1_000_000));
        assertNotEquals(key, FeatureCache.key(weights, "d", "t", "cls"), "a new size invalidates");
        String sized = FeatureCache.key(weights, "d", "t", "cls");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(2_000_000));
        assertNotEquals(sized, FeatureCache.key(weights, "d", "t", "cls"), "a new modification time invalidates");

        FeatureCache cache = new FeatureCache(dir);
        cache.save(key, sample());
        assertTrue(
                cache.load(FeatureCache.key(weights, "d", "t", "cls")).isEmpty(),
                "the rewritten weights miss the old entry");
    }

    @Test
    void missingWeightsAndMalformedKeysAreRejected() {
        assertThrows(IOException.class, () -> FeatureCache.key(dir.resolve("absent.safetensors"), "d", "t", "cls"));
        assertThrows(IllegalArgumentException.class, () -> new FeatureCache(dir).fileFor("../escape"));
    }
}
