package dev.loupe.clip;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.clip.slip.SlipLoss;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLIP vision tower, CLIP loss and SLIP loss against torch re-implementations of open_clip / SLIP,
 * fixture made by tools/golden/make_clip_fixtures.py (Debian python3-torch 1.13). Tolerance 1e-5 of
 * each tensor's scale: both sides compute in float32 with different summation orders.
 */
class ClipGoldenTest {
    private static final double RTOL = 1e-5;
    private static Map<String, Tensor> golden;

    @BeforeAll
    static void load() throws Exception {
        golden = SafeTensors.read(Path.of(
                ClipGoldenTest.class.getResource("/golden/clip.safetensors").toURI()));
    }

    private static Tensor g(String name) {
        Tensor t = golden.get(name);
        if (t == null) throw new IllegalArgumentException("clip fixture has no '" + name + "'");
        return t;
    }

    @Test
    void visionTowerMatchesTorch() {
        ClipVisionTransformer visual = new ClipVisionTransformer(new ClipVisionConfig(8, 4, 32, 2, 4, 24), new Rng(3));
        Map<String, Tensor> weights = new HashMap<>();
        golden.forEach((k, v) -> {
            if (k.startsWith("v.visual.")) weights.put(k.substring("v.visual.".length()), v);
        });
        assertTrue(visual.loadStateDict(weights, true).clean());
        Var images = Var.of(g("v.images"));
        assertCloseToScale("features", g("v.features"), visual.features(images).data(), RTOL);
        assertCloseToScale("embeddings", g("v.out"), visual.forward(images).data(), RTOL);
    }

    @Test
    void clipLossAndGradientsMatchTorch() {
        Var image = Var.param(g("loss.image")), text = Var.param(g("loss.text")), scale = Var.param(g("loss.scale"));
        Var loss = ClipLoss.loss(image, text, scale);
        assertCloseToScale("loss", g("loss.value"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("d image", g("loss.grad_image"), image.grad(), RTOL);
        assertCloseToScale("d text", g("loss.grad_text"), text.grad(), RTOL);
        assertCloseToScale("d logit scale", g("loss.grad_scale"), scale.grad(), RTOL);
    }

    @Test
    void slipLossAndGradientsMatchTorch() {
        Var image = Var.param(g("loss.image")), text = Var.of(g("loss.text")), scale = Var.of(g("loss.scale"));
        Var za = Var.param(g("slip.za")), zb = Var.param(g("slip.zb"));
        SlipLoss.Parts parts = SlipLoss.loss(image, text, scale, za, zb, 1.0, 0.1);
        assertCloseToScale("ssl", g("slip.ssl"), parts.ssl().data(), RTOL);
        assertCloseToScale("clip", g("loss.value"), parts.clip().data(), RTOL);
        assertCloseToScale("slip", g("slip.value"), parts.total().data(), RTOL);
        parts.total().backward();
        assertCloseToScale("d za", g("slip.grad_za"), za.grad(), RTOL);
        assertCloseToScale("d zb", g("slip.grad_zb"), zb.grad(), RTOL);
        assertCloseToScale("d image", g("slip.grad_image"), image.grad(), RTOL);
    }

    @Test
    void clipLossIsLogBWhenEverythingIsAlike() {
        // identical embeddings everywhere: all logits equal, each CE is ln B whatever the scale
        Var same = Var.of(Tensor.ones(4, 6));
        assertEquals(
                Math.log(4),
                ClipLoss.loss(same, same, Var.of(Tensor.scalar(2f))).item(),
                1e-6);
        assertThrows(IllegalArgumentException.class, () -> ClipLoss.loss(same, Var.of(Tensor.ones(3, 6)), same));
    }
}
