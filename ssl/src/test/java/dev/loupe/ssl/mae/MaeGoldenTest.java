package dev.loupe.ssl.mae;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.ssl.common.Golden;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MAE against a PyTorch reproduction of models_mae.py (img 8, patch 2, dim 16, depth 1, decoder
 * 8 / 1 / 2, norm_pix_loss, injected noise), fixture by tools/golden/make_ssl_fixtures.py;
 * tolerance {@link Golden#RTOL}.
 */
class MaeGoldenTest {
    private static final Map<String, Tensor> F = Golden.load("mae.safetensors");
    private static final ViTConfig ENCODER = ViTConfig.of(8, 2, 3, 16, 1, 2, 0);

    private static MaskedAutoencoder model() {
        MaskedAutoencoder m = new MaskedAutoencoder(new MaeConfig(ENCODER, 8, 1, 2, 0.75, true), new Rng(1));
        Module.LoadReport report = m.loadStateDict(Golden.withPrefix(F, "model."), true);
        assertTrue(report.clean(), report.toString());
        return m;
    }

    @Test
    void forwardLossAndEveryGradientMatchPyTorch() {
        MaskedAutoencoder m = model();
        RandomMasking.Result masking = new RandomMasking(0.75).fromNoise(F.get("noise"));
        MaskedAutoencoder.Output out = m.forward(Var.of(F.get("imgs")), masking);
        assertCloseToScale("mask", F.get("mask"), out.mask(), 0);
        assertCloseToScale("pred", F.get("pred"), out.pred().data(), RTOL);
        Var loss = MaeLoss.loss(out.pred(), MaeLoss.patchify(F.get("imgs"), 2), out.mask(), true);
        assertCloseToScale("loss", F.get("loss"), loss.data(), RTOL);
        loss.backward();
        m.namedParameters().forEach((name, p) -> {
            assertNotNull(p.grad(), "no gradient reached " + name);
            assertCloseToScale("grad " + name, F.get("grad." + name), p.grad(), RTOL);
        });
        assertFalse(m.namedParameters().containsKey("pos_embed"), "the sin-cos tables are fixed");
    }

    @Test
    void plainPixelLossMatchesPyTorch() {
        Var pred = Var.param(F.get("loss_plain.pred"));
        Var loss = MaeLoss.loss(pred, MaeLoss.patchify(F.get("imgs"), 2), F.get("mask"), false);
        assertCloseToScale("loss", F.get("loss_plain.loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("grad pred", F.get("loss_plain.grad_pred"), pred.grad(), RTOL);
    }

    @Test
    void encoderExportsAsAPlainTimmVit() {
        MaskedAutoencoder m = model();
        Map<String, Tensor> encoder = m.encoderStateDict();
        assertFalse(encoder.keySet().stream().anyMatch(k -> k.startsWith("decoder") || k.equals("mask_token")));
        VisionTransformer vit = new VisionTransformer(ENCODER, new Rng(2));
        assertTrue(vit.loadStateDict(encoder, true).clean());
        // with every patch visible in the original order the MAE encoder is the ViT
        RandomMasking.Result all = new RandomMasking(0)
                .fromNoise(Tensor.arange(DType.F32, 0, 16, 1)
                        .reshape(1, 16)
                        .expand(2, 16)
                        .contiguous());
        Var latent = m.encode(Var.of(F.get("imgs")), all);
        assertCloseToScale(
                "encoder = ViT", vit.forwardTokens(Var.of(F.get("imgs"))).data(), latent.data(), RTOL);
    }
}
