package dev.loupe.ssl.simclr;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.BlockMasking;
import dev.loupe.ssl.common.Golden;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.ssl.mae.MaeLoss;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SimCLR's masked-image term: SimMIM's loss against PyTorch (fixture by tools/golden/make_ssl_fixtures.py,
 * tolerance {@link Golden#RTOL}), the objective as NT-Xent of the masked views plus the weighted pixel loss,
 * its names, and a few training steps.
 */
class SimClrMaskedImageTest {
    private static final MaskedImageModelling MIM = new MaskedImageModelling(0.7, 0.5, 0.1, 0.5);

    @Test
    void maskedPixelLossAndGradientMatchSimMim() {
        Map<String, Tensor> f = Golden.load("simmim_loss.safetensors");
        Var pred = Var.param(f.get("pred"));
        Tensor target = MaeLoss.patchify(f.get("images"), 2);
        Var loss = MaskedPixelLoss.loss(pred, target, f.get("mask"), 2);
        assertCloseToScale("loss", f.get("loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("grad pred", f.get("grad_pred"), pred.grad(), RTOL);
    }

    @Test
    void maskedPixelLossRejectsMismatchedShapes() {
        Var pred = Var.param(Tensor.zeros(2, 6, 8));
        Tensor mask = Tensor.zeros(DType.BOOL, 2, 6);
        assertThrows(IllegalArgumentException.class, () -> MaskedPixelLoss.loss(pred, Tensor.zeros(2, 6, 4), mask, 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> MaskedPixelLoss.loss(pred, Tensor.zeros(2, 6, 8), Tensor.zeros(DType.BOOL, 2, 5), 2));
        assertThrows(IllegalArgumentException.class, () -> MaskedPixelLoss.loss(pred, Tensor.zeros(2, 6, 8), mask, 3));
    }

    /** loss = NT-Xent over the masked full views' projections + weight x SimMIM on their masked patches. */
    @Test
    void lossIsNtXentOfTheMaskedViewsPlusTheWeightedPixelLoss() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, MIM, new Rng(3));
        SimClrObjective.Model m = o.module();
        m.maskToken.data().copyFrom(Tensor.randn(new Rng(11), 1, 16)); // a trained token, not the zero start
        Batch batch = TinyBatches.views(6, 2, 0, new Rng(9));
        Tensor masks = BlockMasking.dinov2(4).batch(12, 0.5, 0.1, 0.5, new Rng(7)); // (2B, N)
        assertTrue(masks.sum().item() > 0, "some patches masked");

        Tensor globals = Tensor.concat(0, batch.views().get(0), batch.views().get(1));
        Var tokens = m.visual.forwardTokens(Var.of(globals), masks, m.maskToken);
        Var features = m.visual.pool(tokens);
        double contrast = NtXentLoss.loss(
                        m.imageMlp.forward(features.narrow(0, 0, 6)), m.imageMlp.forward(features.narrow(0, 6, 6)), 0.5)
                .item();
        Var pred = m.mimHead.forward(tokens.narrow(1, 1, 16));
        double pixels = MaskedPixelLoss.loss(pred, MaeLoss.patchify(globals, 2), masks, 3)
                .item();
        double actual = o.loss(batch, masks).item();
        assertEquals(contrast + 0.7 * pixels, actual, 1e-5 * Math.abs(actual));
        assertEquals(contrast, o.metrics().get("ntxent"), 1e-5 * contrast);
        assertEquals(pixels, o.metrics().get("masked_pixels"), 1e-5 * pixels);

        // the masked views differ from the plain ones: the token reaches the contrastive term
        SimClrObjective plain = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, new Rng(3));
        plain.module().visual.loadStateDict(m.visual.stateDict(), true);
        plain.module().imageMlp.loadStateDict(m.imageMlp.stateDict(), true);
        double unmasked = plain.loss(batch, new StepInfo(0, 1, 0, 1)).item();
        assertNotEquals(unmasked, contrast);
        // with no patch masked the contrastive term is plain SimCLR's, bit for bit
        o.loss(batch, Tensor.zeros(DType.BOOL, 12, 16));
        assertEquals(unmasked, o.metrics().get("ntxent"));
        assertEquals(0.0, o.metrics().get("masked_pixels"));
    }

    @Test
    void maskTokenAndPixelHeadAreNamedAndLeftOutOfTheBackbone() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, MIM, new Rng(3));
        assertTrue(o.trainableParameters()
                .keySet()
                .containsAll(List.of("mask_token", "mim_head.weight", "mim_head.bias", "visual.pos_embed")));
        assertArrayEquals(new int[] {12, 16}, o.module().mimHead.weight.sizes()); // p*p*C = 2*2*3 rows
        assertTrue(o.module().visual.stateDict().keySet().stream().noneMatch(k -> k.contains("mask")));
        SimClrObjective plain = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, new Rng(3));
        assertFalse(plain.trainableParameters().containsKey("mask_token"));
        assertTrue(plain.metrics().isEmpty());
        assertThrows(
                IllegalStateException.class, () -> plain.loss(TinyBatches.views(6, 2, 0, new Rng(9)), (Tensor) null));
    }

    @Test
    void trainsWithLocalViewsAndTheTokenLearns() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, MIM, new Rng(3));
        TinyBatches.assertLossFalls(o, TinyBatches.views(6, 2, 2, new Rng(4)), 6);
        assertTrue(o.module().maskToken.data().abs().sum().item() > 0, "the mask token moved from zero");
    }

    @Test
    void rejectsFullViewsOfDifferentSizesAndBadSettings() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, MIM, new Rng(3));
        Batch odd = new Batch(
                List.of(Tensor.rand(new Rng(1), 2, 3, 8, 8), Tensor.rand(new Rng(2), 2, 3, 4, 4)),
                null,
                null,
                List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> o.loss(odd, Tensor.zeros(DType.BOOL, 4, 16)));
        assertThrows(IllegalArgumentException.class, () -> new MaskedImageModelling(0, 0.5, 0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new MaskedImageModelling(1, 1.5, 0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new MaskedImageModelling(1, 0.5, 0.6, 0.5));
    }
}
