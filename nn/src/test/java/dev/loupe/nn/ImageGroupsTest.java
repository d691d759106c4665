package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No-grad passes in groups of images on the pool's threads ({@link ImageGroups}) give the bits of one
 * pass over the whole batch, for the block variants, uneven groups and more threads than images; and
 * the split happens only where it cannot change anything.
 */
class ImageGroupsTest {
    private final int threads = Parallel.threads();
    private final Var images = Var.of(Tensor.randn(new Rng(5), 5, 2, 12, 12)); // (B, C, H, W), B odd

    @AfterEach
    void restore() {
        System.clearProperty("loupe.image-groups");
        System.clearProperty("loupe.buffer.poison");
        Parallel.setThreads(threads);
    }

    @Test
    void groupedPassesGiveTheBitsOfOneWholeBatchPass() {
        System.setProperty("loupe.buffer.poison", "true"); // reused arrays start as NaN
        for (int t : new int[] {2, 3, 8}) { // 4, 5 and 5 groups of 5 images
            Parallel.setThreads(t);
            for (ViTConfig c : VitBufferReuseTest.variants()) {
                assertSameBits(c, t, vit -> vit.forwardTokens(images));
                assertSameBits(c, t, vit -> vit.forward(images));
                assertSameBits(c, t, vit -> Var.concat(1, vit.forwardIntermediate(images, 2)));
            }
        }
    }

    @Test
    void onlyDeterministicNoGradHostPassesAreSplit() {
        Parallel.setThreads(2);
        VisionTransformer vit =
                new VisionTransformer(VitBufferReuseTest.variants().get(0), new Rng(1));
        vit.train(false);
        assertFalse(ImageGroups.apply(vit, images), "recording gradients");
        try (var off = GradMode.disable()) {
            assertTrue(ImageGroups.apply(vit, images));
            assertFalse(ImageGroups.apply(vit, images.narrow(0, 0, 1)), "one image");
            vit.train(true);
            assertFalse(ImageGroups.apply(vit, images), "training mode (drop path and dropout draw in order)");
            vit.train(false);
            System.setProperty("loupe.image-groups", "off");
            assertFalse(ImageGroups.apply(vit, images), "switched off");
            System.clearProperty("loupe.image-groups");
            KernelProfiler.start();
            try {
                assertFalse(ImageGroups.apply(vit, images), "while profiling");
            } finally {
                KernelProfiler.stop();
            }
            Parallel.forEachCoarse(2, g -> assertFalse(ImageGroups.apply(vit, images), "inside a group"));
            Parallel.setThreads(1);
            assertFalse(ImageGroups.apply(vit, images), "one thread");
        }
    }

    private void assertSameBits(ViTConfig c, int threads, Function<VisionTransformer, Var> pass) {
        VisionTransformer vit = new VisionTransformer(c, new Rng(2));
        vit.train(false);
        try (var off = GradMode.disable()) {
            assertTrue(ImageGroups.apply(vit, images));
            System.setProperty("loupe.image-groups", "off");
            float[] whole = pass.apply(vit).data().toFloatArray();
            System.clearProperty("loupe.image-groups");
            for (int round = 0; round < 2; round++) {
                assertArrayEquals(
                        whole,
                        pass.apply(vit).data().toFloatArray(),
                        0f,
                        c + ", " + threads + " threads, round " + round);
            }
        }
    }
}
