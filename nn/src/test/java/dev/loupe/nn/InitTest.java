package dev.loupe.nn;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Initialisations: xavier bounds from torch's fan rule, their variance, and MAE's whole-ViT init. */
class InitTest {
    /**
     * Every element within the bound, a maximum near it, and mean 0 and variance bound^2/3 within
     * 5 standard errors (the sample variance of n uniform draws has relative std sqrt(0.8 / n), the
     * sample mean std bound / sqrt(3n)).
     */
    private static void assertUniform(String what, Tensor t, double bound) {
        double[] a = t.toDoubleArray();
        double ss = 0, max = 0, sum = 0;
        for (double v : a) {
            ss += v * v;
            sum += v;
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound, what + ": |w| max " + max + " exceeds the bound " + bound);
        assertTrue(max > 0.97 * bound, what + ": |w| max " + max + " far below the bound " + bound + " (fans wrong?)");
        int n = a.length;
        assertEquals(bound * bound / 3, ss / n, 5 * Math.sqrt(0.8 / n) * bound * bound / 3, what + ": variance");
        assertEquals(0, sum / n, 5 * bound / Math.sqrt(3.0 * n), what + ": mean");
    }

    @Test
    void xavierOnLinearWeightUsesInPlusOut() {
        Var w = Var.param(Tensor.zeros(160, 300));
        Init.xavierUniform(w, new Rng(1));
        assertUniform("linear (160, 300)", w.data(), Math.sqrt(6.0 / (300 + 160)));
    }

    @Test
    void xavierOnConvWeightMultipliesFansByTheReceptiveField() {
        // torch: fan_in = C * p * p = 3 * 16 = 48, fan_out = D * p * p = 1000 * 16 = 16000
        Var w = Var.param(Tensor.zeros(1000, 3, 4, 4));
        Init.xavierUniform(w, new Rng(2));
        assertUniform("conv (1000, 3, 4, 4)", w.data(), Math.sqrt(6.0 / (48 + 16000)));
    }

    @Test
    void xavierNeedsTwoDims() {
        assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(Var.param(Tensor.zeros(5)), new Rng(3)));
    }

    @Test
    void maeInitOnViT() {
        int d = 96, c = 3, p = 4;
        VisionTransformer vit = new VisionTransformer(ViTConfig.of(32, p, c, d, 2, 4, 10), new Rng(4));
        Init.mae(vit, new Rng(5));
        assertCloseToScale("pos_embed", SinCos.embedding2d(d, 8, true), vit.posEmbed.data(), 0);
        // MAE views the conv weight as (D, C*p*p): fans C*p*p = 48 and D = 96, not D*p*p
        assertUniform("patch conv", vit.patchEmbed.proj.weight.data(), Math.sqrt(6.0 / (c * p * p + d)));
        for (Block b : vit.blocks) {
            assertUniform("qkv as one (3D, D)", b.attn.qkv.weight.data(), Math.sqrt(6.0 / (d + 3 * d)));
            assertUniform("proj", b.attn.proj.weight.data(), Math.sqrt(6.0 / (2 * d)));
            assertEquals(0, b.attn.qkv.bias.data().abs().sum().item());
            assertEquals(0, b.attn.proj.bias.data().abs().sum().item());
            assertEquals(d, b.norm1.weight.data().sum().item());
            assertEquals(0, b.norm2.bias.data().abs().sum().item());
        }
        Var fc1 = vit.namedParameters().get("blocks.0.mlp.fc1.weight");
        assertUniform("mlp fc1", fc1.data(), Math.sqrt(6.0 / (d + 4 * d)));
        assertEquals(
                0,
                vit.namedParameters()
                        .get("blocks.1.mlp.fc2.bias")
                        .data()
                        .abs()
                        .sum()
                        .item());
        assertUniform("head", vit.head.weight.data(), Math.sqrt(6.0 / (d + 10)));
        double[] cls = vit.clsToken.data().toDoubleArray();
        double ss = 0;
        for (double v : cls) ss += v * v;
        // 96 normal draws: the sample std has relative std 1/sqrt(192) = 7%, so 25% is 3.5 sigma
        assertEquals(0.02, Math.sqrt(ss / cls.length), 0.005);
    }
}
