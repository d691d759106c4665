package dev.loupe.nn;

import static dev.loupe.nn.LayersGolden.get;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The convolutional stem against torch (tools/golden/make_layers_fixture.py, convstem.*: two 3x3 stride-2 convs with
 * GELU and the 1x1 proj, gradients to the pixels and every parameter), its conv's gradcheck on odd sides, and the
 * shapes it accepts. Tolerance 1e-5 of each tensor's scale: float32 on both sides, sums in another order.
 */
class ConvStemTest {
    private static final double RTOL = 1e-5;

    @Test
    void stemAndProjMatchTorchAndItsGradients() {
        ViTConfig c = ViTConfig.of(12, 4, 2, 8, 1, 2, 0).withConvStem(true);
        PatchEmbed pe = PatchEmbed.of(c, new Rng(1));
        pe.loadStateDict(
                Map.of(
                        "stem.0.weight", get("convstem.s0.weight"),
                        "stem.0.bias", get("convstem.s0.bias"),
                        "stem.1.weight", get("convstem.s1.weight"),
                        "stem.1.bias", get("convstem.s1.bias"),
                        "proj.weight", get("convstem.proj.weight"),
                        "proj.bias", get("convstem.proj.bias")),
                true);
        Var x = Var.param(get("convstem.x"));
        Var out = pe.forward(x); // (2, 9, 8): 12 -> 6 -> 3
        assertArrayEquals(new int[] {2, 9, 8}, out.sizes());
        assertCloseToScale("stem tokens", get("convstem.out"), out.data(), RTOL);
        out.mul(Var.of(get("convstem.r"))).sum().backward();
        assertCloseToScale("grad x", get("convstem.grad_x"), x.grad(), RTOL);
        ConvStem.Conv s0 = pe.stem.convs.get(0), s1 = pe.stem.convs.get(1);
        assertCloseToScale("grad s0.weight", get("convstem.s0.grad_weight"), s0.weight.grad(), RTOL);
        assertCloseToScale("grad s0.bias", get("convstem.s0.grad_bias"), s0.bias.grad(), RTOL);
        assertCloseToScale("grad s1.weight", get("convstem.s1.grad_weight"), s1.weight.grad(), RTOL);
        assertCloseToScale("grad s1.bias", get("convstem.s1.grad_bias"), s1.bias.grad(), RTOL);
        assertCloseToScale("grad proj.weight", get("convstem.proj.grad_weight"), pe.proj.weight.grad(), RTOL);
        assertCloseToScale("grad proj.bias", get("convstem.proj.grad_bias"), pe.proj.bias.grad(), RTOL);
    }

    @Test
    void convGradcheckOnOddSides() {
        Rng rng = new Rng(3);
        // x (2, 3, 7, 5) -> (2, 2, 4, 3): odd sides reach the padding on the far edge
        GradCheck.check(
                "conv stem 3x3 stride 2",
                v -> ConvStem.conv(v[0], v[1], v[2]),
                Tensor.randn(rng, 2, 3, 7, 5),
                Tensor.randn(rng, 2, 3, 3, 3),
                Tensor.randn(rng, 2));
    }

    @Test
    void widthsDoubleUpToTheEmbeddingAndShapesAreChecked() {
        assertArrayEquals(new int[] {64, 128}, ConvStem.widths(128, 4));
        assertArrayEquals(new int[] {24, 48, 96, 192}, ConvStem.widths(192, 16));
        IllegalArgumentException six =
                assertThrows(IllegalArgumentException.class, () -> ViTConfig.of(24, 6, 1, 32, 1, 2, 0)
                        .withConvStem(true));
        assertTrue(six.getMessage().contains("power of two, got 6"), six.getMessage());
        IllegalArgumentException kernel = assertThrows(
                IllegalArgumentException.class,
                () -> ViTConfig.of(28, 4, 1, 32, 1, 2, 0).withPatchKernel(8).withConvStem(true));
        assertTrue(kernel.getMessage().contains("patch kernel 8 must stay 4"), kernel.getMessage());
        IllegalArgumentException dim =
                assertThrows(IllegalArgumentException.class, () -> ViTConfig.of(32, 16, 1, 36, 1, 2, 0)
                        .withConvStem(true));
        assertTrue(dim.getMessage().contains("divisible by 8, got 36"), dim.getMessage());
        assertNull(PatchEmbed.of(ViTConfig.of(28, 4, 1, 32, 1, 2, 0), new Rng(1)).stem);
    }

    @Test
    void aStemVitTrainsOnEveryGridAndNamesItsParametersUnderPatchEmbed() {
        ViTConfig c = ViTConfig.of(28, 4, 1, 32, 1, 2, 10).withConvStem(true);
        VisionTransformer vit = new VisionTransformer(c, new Rng(5));
        assertEquals("patch 4 (conv stem)", c.patchLabel());
        assertArrayEquals(
                new int[] {16, 1, 3, 3},
                vit.stateDict().get("patch_embed.stem.0.weight").sizes());
        assertArrayEquals(
                new int[] {32, 32, 1, 1},
                vit.stateDict().get("patch_embed.proj.weight").sizes());
        Var logits = vit.forward(Var.of(Tensor.randn(new Rng(6), 3, 1, 28, 28)));
        assertArrayEquals(new int[] {3, 10}, logits.sizes());
        logits.sum().backward();
        assertTrue(vit.patchEmbed.stem.convs.get(0).weight.grad().abs().sum().item() > 0);
        // a DINO local crop: another grid, the position embedding resized
        Var local = vit.forwardFeatures(
                Var.of(Tensor.randn(new Rng(7), 2, 1, 12, 12).to(DType.F32)));
        assertArrayEquals(new int[] {2, 32}, local.sizes());
    }
}
