package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No-grad passes reuse each block's temporaries and backward its gradients ({@link dev.loupe.tensor.BufferPool}): the outputs are the
 * same bits as with pooling off, on every pass, with each reused array filled with NaN before it is handed
 * out (so a kernel that read its output before writing it would show), for the block variants.
 */
class VitBufferReuseTest {
    private final Var images = Var.of(Tensor.randn(new Rng(4), 3, 2, 12, 12)); // (B, C, H, W)

    /**
     * Whole-batch passes: in groups (ImageGroupsTest) a pool worker may run every group and leave the
     * caller's pool, which these tests count, unused.
     */
    @BeforeEach
    void passesStayWhole() {
        System.setProperty("loupe.image-groups", "off");
    }

    @AfterEach
    void clearSwitches() {
        System.clearProperty("loupe.buffer.pool");
        System.clearProperty("loupe.buffer.poison");
        System.clearProperty("loupe.image-groups");
    }

    /** The block variants both this test and ImageGroupsTest run: plain, registers + layer scale + mean pool, SwiGLU, overlapping patches. */
    static List<ViTConfig> variants() {
        ViTConfig plain = ViTConfig.of(12, 4, 2, 24, 3, 3, 5);
        return List.of(
                plain,
                plain.toBuilder()
                        .registers(2)
                        .layerScaleInit(0.1)
                        .meanPool(true)
                        .build(),
                plain.toBuilder().swiglu(true).qkvBias(false).build(),
                plain.toBuilder().patch(3).patchKernel(5).build());
    }

    @Test
    void pooledPassesGiveTheUnpooledBitsForEveryVariant() {
        for (ViTConfig c : variants()) {
            assertSameBits(c, vit -> vit.forwardTokens(images));
            assertSameBits(c, vit -> vit.forward(images));
            assertSameBits(c, vit -> Var.concat(1, vit.forwardIntermediate(images, 2)));
        }
    }

    @Test
    void aSteadyPassAllocatesNothingNewInTheBlocks() {
        System.setProperty("loupe.buffer.poison", "true");
        VisionTransformer vit = new VisionTransformer(variants().get(0), new Rng(1));
        try (var off = GradMode.disable()) {
            vit.forwardTokens(images);
            long created = vit.inferenceBuffers().created();
            vit.forwardTokens(images);
            assertEquals(created, vit.inferenceBuffers().created(), "a second pass of the same shape creates nothing");
            assertTrue(
                    vit.inferenceBuffers().reused() > 10,
                    "reused " + vit.inferenceBuffers().reused());
        }
    }

    @Test
    void trainingGradientsAreTheBitsOfAPassWithPoolingOff() {
        long[] labels = {0, 3, 4};
        for (ViTConfig c : variants()) {
            System.setProperty("loupe.buffer.pool", "off");
            float[] expected = trainingGradients(c, labels);
            System.clearProperty("loupe.buffer.pool");
            System.setProperty("loupe.buffer.poison", "true");
            for (int pass = 0; pass < 3; pass++)
                assertArrayEquals(expected, trainingGradients(c, labels), 0f, c + " pass " + pass);
            System.clearProperty("loupe.buffer.poison");
        }
    }

    /** Every parameter's gradient after one forward and backward of a fresh model, concatenated. */
    private float[] trainingGradients(ViTConfig c, long[] labels) {
        VisionTransformer vit = new VisionTransformer(c, new Rng(7));
        vit.forward(images).crossEntropy(Tensor.ofLongs(labels), 0).backward();
        return Tensor.concat(
                        0,
                        vit.namedParameters().values().stream()
                                .map(p -> p.grad().reshape(-1))
                                .toArray(Tensor[]::new))
                .toFloatArray();
    }

    @Test
    void recordedPassesDoNotUseThePool() {
        VisionTransformer vit = new VisionTransformer(variants().get(0), new Rng(1));
        vit.forwardTokens(images).sum().backward();
        assertEquals(
                0, vit.inferenceBuffers().created() + vit.inferenceBuffers().reused());
        assertNotNull(vit.blocks.get(0).attn.qkv.weight.grad(), "the graph was recorded");
    }

    private void assertSameBits(ViTConfig c, Function<VisionTransformer, Var> pass) {
        VisionTransformer vit = new VisionTransformer(c, new Rng(7));
        vit.train(false);
        float[] expected;
        try (var off = GradMode.disable()) {
            System.setProperty("loupe.buffer.pool", "off");
            expected = pass.apply(vit).data().toFloatArray();
            System.clearProperty("loupe.buffer.pool");
            System.setProperty("loupe.buffer.poison", "true");
            VisionTransformer pooled = new VisionTransformer(c, new Rng(7));
            pooled.train(false);
            for (int run = 0; run < 3; run++) {
                assertArrayEquals(expected, pass.apply(pooled).data().toFloatArray(), 0f, c + " pass " + run);
            }
            assertTrue(pooled.inferenceBuffers().reused() > 0, c + ": nothing was reused");
        }
    }
}
