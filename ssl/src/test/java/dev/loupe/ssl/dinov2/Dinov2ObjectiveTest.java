package dev.loupe.ssl.dinov2;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.BlockMasking;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The DINOv2 objective on a tiny ViT (dim 16, depth 1, 16 patches) with 2 global and 2 local crops. */
class Dinov2ObjectiveTest {
    private static final Dinov2Config SMALL =
            Dinov2Config.small().withHead(32, 24, 8).withTeacherTemp(0.04, 0.04, 0);

    @Test
    void namesFollowDinov2AndTheBackboneExportsAsAPlainVit() {
        Dinov2Objective o = new Dinov2Objective(TinyBatches.tinyVit(), SMALL, new Rng(1));
        var state = o.module().stateDict();
        assertTrue(state.containsKey("student.backbone.mask_token"));
        assertTrue(state.containsKey("student.dino_head.last_layer.weight_v"));
        assertTrue(state.containsKey("ibot_patch_loss.center"));
        VisionTransformer plain = new VisionTransformer(TinyBatches.tinyVit(), new Rng(2));
        assertTrue(plain.loadStateDict(o.teacherBackboneStateDict(), true).clean());
    }

    @Test
    void maskTokenReplacesMaskedPatches() {
        MaskableVit vit = new MaskableVit(TinyBatches.tinyVit(), new Rng(3));
        vit.maskToken.updateInPlace(d -> d.fill(5));
        Tensor images = Tensor.rand(new Rng(4), 2, 3, 8, 8);
        Tensor none = Tensor.zeros(DType.BOOL, 2, 16);
        Tensor some = Tensor.zeros(DType.BOOL, 2, 16);
        some.setDouble(1, 1, 3);
        float[] plain = vit.forward(Var.of(images), null).cls().data().toFloatArray();
        assertArrayEquals(plain, vit.forward(Var.of(images), none).cls().data().toFloatArray(), "no mask, no change");
        float[] masked = vit.forward(Var.of(images), some).cls().data().toFloatArray();
        for (int k = 0; k < 16; k++) assertEquals(plain[k], masked[k], 0, "image 0 has no masked patch");
        boolean differs = false;
        for (int k = 16; k < 32; k++) differs |= plain[k] != masked[k];
        assertTrue(differs, "masking a patch of image 1 changes its CLS output");
    }

    @Test
    void lossIsFiniteAndDecreasesOverFiveStepsWithEitherCentring() {
        for (Centering c : Centering.values()) {
            Dinov2Objective o = new Dinov2Objective(TinyBatches.tinyVit(), SMALL.withCentering(c), new Rng(5));
            AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 3e-4);
            Batch batch = TinyBatches.views(4, 2, 2, new Rng(6));
            Tensor masks = BlockMasking.dinov2(4).batch(8, 0.5, 0.1, 0.5, new Rng(7));
            double first = 0, last = 0;
            for (int i = 0; i < 6; i++) {
                StepInfo step = new StepInfo(i, 1000, 1, 1000);
                opt.zeroGrad();
                Var loss = o.loss(batch, step, masks);
                assertTrue(Double.isFinite(loss.item()), c + ": loss " + loss.item() + " at step " + i);
                loss.backward();
                o.beforeOptimizerStep(step);
                opt.step();
                o.afterOptimizerStep(step);
                if (i == 0) first = loss.item();
                last = loss.item();
            }
            assertTrue(last < first, c + ": loss did not decrease: " + first + " -> " + last);
            assertTrue(o.metrics().containsKey("ibot_loss") && o.metrics().containsKey("koleo_loss"));
        }
    }

    @Test
    void ownMasksAndLastLayerFreezeWork() {
        Dinov2Objective o = new Dinov2Objective(TinyBatches.tinyVit(), SMALL, new Rng(8));
        StepInfo step = new StepInfo(0, 10, 0, 10);
        o.loss(TinyBatches.views(4, 2, 1, new Rng(9)), step).backward();
        o.beforeOptimizerStep(step);
        assertNull(o.trainableParameters()
                .get("student.dino_head.last_layer.weight_v")
                .grad());
        assertNotNull(o.trainableParameters().get("student.backbone.mask_token").grad());
    }

    @Test
    void batchWithoutMaskedPatchesHasNoIbotTerm() {
        Dinov2Objective o = new Dinov2Objective(TinyBatches.tinyVit(), SMALL, new Rng(10));
        Var loss = o.loss(
                TinyBatches.views(3, 2, 0, new Rng(11)), new StepInfo(0, 10, 1, 10), Tensor.zeros(DType.BOOL, 6, 16));
        assertTrue(Double.isFinite(loss.item()));
        assertEquals(0, o.metrics().get("ibot_loss"), 0);
        loss.backward();
        assertNotNull(o.trainableParameters()
                .get("student.backbone.blocks.0.attn.qkv.weight")
                .grad());
    }
}
