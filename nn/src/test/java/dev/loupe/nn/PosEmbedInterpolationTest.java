package dev.loupe.nn;

import static dev.loupe.nn.LayersGolden.get;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bicubic position-embedding resizing against torch 1.13's F.interpolate(mode='bicubic',
 * align_corners=False) in both size= and scale_factor= modes (tools/golden/make_layers_fixture.py).
 *
 * <p>Tolerance 1e-5 of the scale: torch forms float32 coefficients and sums the 16 taps in float32,
 * which leaves its result up to ~1e-6 of the scale from the exact value (measured against a float64
 * evaluation of the same formula); Loupe uses double coefficients and two float32 matrix products.
 */
class PosEmbedInterpolationTest {
    private static final double RTOL = 1e-5;

    @Test
    void sizeModeMatchesTorch() {
        assertCloseToScale(
                "7x7 -> 10x10",
                get("interp.size7to10.out"),
                PosEmbedInterpolation.resize(get("interp.size7to10.in"), 0, 7, 7, 10, 10),
                RTOL);
        assertCloseToScale(
                "14x14 -> 9x9",
                get("interp.size14to9.out"),
                PosEmbedInterpolation.resize(get("interp.size14to9.in"), 0, 14, 14, 9, 9),
                RTOL);
    }

    @Test
    void scaleFactorModeMatchesTorch() {
        assertCloseToScale(
                "7x7 * 10.1/7",
                get("interp.dino7to10.out"),
                PosEmbedInterpolation.resizeByScale(get("interp.dino7to10.in"), 0, 7, 7, 10.1 / 7, 10.1 / 7),
                RTOL);
        assertCloseToScale(
                "14x14 * 9.1/14",
                get("interp.dino14to9.out"),
                PosEmbedInterpolation.resizeByScale(get("interp.dino14to9.in"), 0, 14, 14, 9.1 / 14, 9.1 / 14),
                RTOL);
    }

    @Test
    void scaleModeMapsCoordinatesByTheScaleNotBySizes() {
        // torch maps by 1/scale when given a scale: 7 * 10.1/7 -> 10 outputs, yet not the size=10 result
        Tensor in = get("interp.dino7to10.in");
        Tensor bySize = PosEmbedInterpolation.resize(in, 0, 7, 7, 10, 10);
        double diff = bySize.sub(get("interp.dino7to10.out")).abs().max(false).item();
        assertTrue(diff > 1e-3, "size and scale modes must differ, max diff " + diff);
    }

    @Test
    void dinoKeepsPrefixRowsAndMatchesTorch() {
        Tensor grid = get("interp.dino7to10.in"); // (1, 49, 8)
        Tensor prefix = Tensor.randn(new Rng(1), 1, 2, 8);
        Var out = PosEmbedInterpolation.dino(Var.of(Tensor.concat(1, prefix, grid)), 2, 10, 10);
        assertArrayEquals(new int[] {1, 102, 8}, out.sizes());
        assertCloseToScale("prefix rows", prefix, out.data().narrow(1, 0, 2), 0);
        assertCloseToScale(
                "dino 7 -> 10", get("interp.dino7to10.out"), out.data().narrow(1, 2, 100), RTOL);
        assertCloseToScale(
                "dino 14 -> 9",
                get("interp.dino14to9.out"),
                PosEmbedInterpolation.dino(Var.of(get("interp.dino14to9.in")), 0, 9, 9)
                        .data(),
                RTOL);
        assertCloseToScale(
                "dino 7 -> 6x11 (rows first)",
                get("interp.dino7to6x11.out"),
                PosEmbedInterpolation.dino(Var.of(get("interp.dino7to6x11.in")), 0, 6, 11)
                        .data(),
                RTOL);
    }

    @Test
    void dinoReturnsTheSameEmbeddingForTheSameGrid() {
        Var pos = Var.param(Tensor.randn(new Rng(2), 1, 17, 4));
        assertSame(pos, PosEmbedInterpolation.dino(pos, 1, 4, 4));
    }

    @Test
    void weightRowsSumToOneAndClampAtBorders() {
        Tensor w = PosEmbedInterpolation.weights(5, 8, 5.0 / 8);
        for (int o = 0; o < 8; o++) {
            double s = 0;
            for (int i = 0; i < 5; i++) s += w.getDouble(o, i);
            assertEquals(1, s, 1e-12, "row " + o);
        }
        // identity when sizes match: the taps fall at t = 0, weights (0, 1, 0, 0)
        Tensor same = PosEmbedInterpolation.weights(4, 4, 1);
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 4; i++) assertEquals(o == i ? 1 : 0, same.getDouble(o, i), 1e-15);
    }

    @Test
    void gradcheck() {
        Rng rng = new Rng(3);
        GradCheck.check(
                "pos-embed resize 3x4 -> 5x2",
                v -> PosEmbedInterpolation.resize(v[0], 1, 3, 4, 5, 2),
                Tensor.randn(rng, 1, 13, 3));
        GradCheck.check(
                "pos-embed dino 3x3 -> 4x5",
                v -> PosEmbedInterpolation.dino(v[0], 1, 4, 5),
                Tensor.randn(rng, 1, 10, 2));
    }

    @Test
    void rejectsWrongRowCount() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PosEmbedInterpolation.resize(Tensor.zeros(1, 10, 4), 0, 3, 3, 4, 4));
        assertThrows(
                IllegalArgumentException.class,
                () -> PosEmbedInterpolation.dino(Var.of(Tensor.zeros(1, 11, 4)), 1, 4, 4));
    }

    @Test
    void vitInterpolatesPosEmbedForOtherImageSizes() {
        ViTConfig small = ViTConfig.of(16, 4, 3, 24, 1, 2, 0); // grid 4
        VisionTransformer a = new VisionTransformer(small, new Rng(4));
        Tensor images = Tensor.randn(new Rng(5), 2, 3, 24, 20); // grid 6 x 5
        Var tokens = a.forwardTokens(Var.of(images));
        assertArrayEquals(new int[] {2, 1 + 30, 24}, tokens.sizes());

        // DINO's mapping written out: rows scaled by (6 + 0.1)/4, columns by (5 + 0.1)/4
        Tensor resized = PosEmbedInterpolation.resizeByScale(a.posEmbed.data(), 1, 4, 4, 6.1 / 4, 5.1 / 4);
        assertArrayEquals(new int[] {1, 31, 24}, resized.sizes());
        Tensor expected = expectedWithPos(a, images, resized);
        assertCloseToScale("tokens", expected, tokens.data(), 0);

        tokens.sum().backward();
        assertNotNull(a.posEmbed.grad(), "the gradient reaches pos_embed through the interpolation");
        assertArrayEquals(new int[] {1, 17, 24}, a.posEmbed.grad().sizes());
    }

    // forwardTokens of `a` with its pos_embed replaced by `pos` (model `a` is left as it was)
    private static Tensor expectedWithPos(VisionTransformer a, Tensor images, Tensor pos) {
        Tensor saved = a.posEmbed.data().copy();
        ViTConfig c = a.config();
        Var x = a.patchEmbed.forward(Var.of(images));
        Var t = Var.concat(1, List.of(a.clsToken.expand(x.size(0), 1, c.dim()), x))
                .add(Var.of(pos));
        for (Block blk : a.blocks) t = blk.forward(t);
        assertCloseToScale("pos_embed untouched", saved, a.posEmbed.data(), 0);
        return a.norm.forward(t).data();
    }
}
