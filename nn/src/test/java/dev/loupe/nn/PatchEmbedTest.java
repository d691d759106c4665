package dev.loupe.nn;

import static dev.loupe.nn.LayersGolden.get;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Overlapping patch embedding (kernel K > stride p) against torch.nn.Conv2d(kernel 8, stride 4,
 * padding 2) from tools/golden/make_layers_fixture.py, its gradcheck, and its checks.
 * Non-overlapping patches are covered by VitGoldenTest through whole-ViT training steps.
 *
 * <p>Tolerance 1e-5 of each tensor's scale: float32 on both sides, 128-term dot products summed in
 * another order.
 */
class PatchEmbedTest {
    private static final double RTOL = 1e-5;

    private static PatchEmbed goldenModule() {
        PatchEmbed pe = new PatchEmbed(2, 6, 4, 8, true, new Rng(1));
        pe.loadStateDict(Map.of("proj.weight", get("patchconv.weight"), "proj.bias", get("patchconv.bias")), true);
        return pe;
    }

    @Test
    void overlappingPatchesMatchTorchConv2dAndItsGradients() {
        PatchEmbed pe = goldenModule();
        Var out = pe.forward(Var.of(get("patchconv.x"))); // (2, 9, 6)
        assertArrayEquals(new int[] {2, 9, 6}, out.sizes());
        assertCloseToScale("conv tokens", get("patchconv.out"), out.data(), RTOL);
        out.mul(Var.of(get("patchconv.r"))).sum().backward();
        assertCloseToScale("grad weight", get("patchconv.grad_weight"), pe.proj.weight.grad(), RTOL);
        assertCloseToScale("grad bias", get("patchconv.grad_bias"), pe.proj.bias.grad(), RTOL);
    }

    @Test
    void overlappingPatchesGradcheckOnWeightAndBias() {
        Rng rng = new Rng(3);
        // images (2, 1, 8, 8) as data; weight (3, 1, 6, 6) with stride 2, padding 2 -> (2, 16, 3)
        Var images = Var.of(Tensor.randn(rng, 2, 1, 8, 8).to(dev.loupe.tensor.DType.F64));
        GradCheck.check(
                "overlapping patch embed",
                v -> PatchEmbed.embed(images, v[0], v[1], 2),
                Tensor.randn(rng, 3, 1, 6, 6),
                Tensor.randn(rng, 3));
    }

    @Test
    void overlappingPatchesKeepTheGridOfTheStride() {
        ViTConfig c = ViTConfig.of(28, 4, 1, 32, 1, 2, 10).withPatchKernel(8);
        assertEquals(2, c.patchPadding());
        Var logits = new VisionTransformer(c, new Rng(5)).forward(Var.of(Tensor.randn(new Rng(6), 3, 1, 28, 28)));
        assertArrayEquals(new int[] {3, 10}, logits.sizes());
        assertEquals(49, c.numPatches());
    }

    @Test
    void rejectsKernelsThatChangeTheGridAndPixelsThatNeedGradients() {
        IllegalArgumentException odd =
                assertThrows(IllegalArgumentException.class, () -> ViTConfig.of(28, 4, 1, 32, 1, 2, 10)
                        .withPatchKernel(7));
        assertTrue(odd.getMessage().contains("patch kernel 7"), odd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ViTConfig.of(28, 4, 1, 32, 1, 2, 10)
                .withPatchKernel(2));
        assertThrows(IllegalArgumentException.class, () -> new PatchEmbed(1, 8, 4, 5, true, new Rng(1)));
        PatchEmbed pe = new PatchEmbed(1, 8, 4, 8, true, new Rng(1));
        IllegalArgumentException grad = assertThrows(
                IllegalArgumentException.class, () -> pe.forward(Var.param(Tensor.randn(new Rng(2), 1, 1, 8, 8))));
        assertTrue(grad.getMessage().contains("require a gradient"), grad.getMessage());
        IllegalArgumentException channels = assertThrows(
                IllegalArgumentException.class, () -> pe.forward(Var.of(Tensor.randn(new Rng(2), 1, 3, 8, 8))));
        assertTrue(channels.getMessage().contains("(B, 1, H, W)"), channels.getMessage());
    }

    @Test
    void shapesRecoverTheKernelAndTakeTheStrideFromOutside() {
        ViTConfig c = ViTConfig.of(28, 4, 1, 32, 2, 2, 10).withPatchKernel(8);
        VisionTransformer vit = new VisionTransformer(c, new Rng(7));
        ViTConfig back = VitWeights.infer(
                "vit", vit.stateDict(), Map.of("patch_stride", "4"), new VitWeights.Overrides(2, null));
        assertEquals(c, back);
        assertEquals(
                8,
                VitWeights.infer("vit", vit.stateDict(), Map.of(), new VitWeights.Overrides(2, null))
                        .patch(),
                "without a stride the kernel is the patch");
    }
}
