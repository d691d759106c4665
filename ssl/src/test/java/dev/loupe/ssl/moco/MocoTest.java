package dev.loupe.ssl.moco;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.Golden;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.ssl.dino.TeacherMomentum;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MoCo v3's projector, predictor and loss against its reference's heads and loss in PyTorch (fixture by
 * tools/golden/make_moco_fixture.py, tolerance {@link Golden#RTOL}): the symmetrised loss and the
 * gradients of the inputs and of every parameter; the momentum schedule; the momentum encoder moving
 * by EMA; the frozen patch projection; a few training steps of the objective.
 */
class MocoTest {
    @Test
    void lossAndEveryGradientMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("moco.safetensors");
        MocoMlp projector = new MocoMlp(3, 6, 10, 5, new Rng(1)), predictor = new MocoMlp(2, 5, 10, 5, new Rng(2));
        projector.loadStateDict(Golden.withPrefix(f, "projector."), true);
        predictor.loadStateDict(Golden.withPrefix(f, "predictor."), true);
        Var ya = Var.param(f.get("ya")), yb = Var.param(f.get("yb"));
        Var loss = MocoLoss.loss(predictor.forward(projector.forward(ya)), f.get("kb"), 0.2)
                .add(MocoLoss.loss(predictor.forward(projector.forward(yb)), f.get("ka"), 0.2));
        assertCloseToScale("loss", f.get("loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("grad ya", f.get("grad_ya"), ya.grad(), RTOL);
        assertCloseToScale("grad yb", f.get("grad_yb"), yb.grad(), RTOL);
        Map<String, Tensor> grads = Golden.withPrefix(f, "grad.");
        // projector: 3 linear weights + 2 affine batch norms; predictor: 2 + 1
        assertEquals(11, grads.size());
        int checked = 0;
        for (var m : Map.of("projector.", projector, "predictor.", predictor).entrySet()) {
            for (var e : m.getValue().namedParameters().entrySet()) {
                String name = m.getKey() + e.getKey();
                assertTrue(grads.containsKey(name), "torch has no gradient named " + name);
                assertCloseToScale("grad " + name, grads.get(name), e.getValue().grad(), RTOL);
                checked++;
            }
        }
        assertEquals(11, checked);
    }

    @Test
    void lastBatchNormHasNoAffineAndLinearsNoBias() {
        Map<String, Tensor> s = new MocoMlp(3, 6, 10, 5, new Rng(1)).stateDict();
        assertTrue(s.containsKey("7.running_mean"));
        assertFalse(s.containsKey("7.weight"));
        assertFalse(s.containsKey("0.bias"));
        assertTrue(s.containsKey("4.weight"));
        assertEquals(
                Golden.load("moco.safetensors").keySet().stream()
                        .filter(k -> k.startsWith("projector."))
                        .map(k -> k.substring("projector.".length()))
                        .sorted()
                        .toList(),
                s.keySet().stream().sorted().toList());
    }

    @Test
    void momentumFollowsTheReferenceCosine() {
        assertEquals(Golden.load("moco.safetensors").get("momentum").item(), TeacherMomentum.at(0.99, 3, 10), 1e-15);
    }

    @Test
    void momentumEncoderStartsAsTheBaseAndFollowsItByEma() {
        MocoObjective o = new MocoObjective(TinyBatches.tinyVit(), 24, 8, 0.9, 0.2, true, new Rng(3));
        Map<String, Tensor> s = o.module().stateDict();
        assertArrayEquals(
                s.get("base.projector.6.weight").toFloatArray(),
                s.get("momentum.projector.6.weight").toFloatArray());
        assertTrue(o.trainableParameters().keySet().stream().noneMatch(k -> k.startsWith("momentum.")));
        assertTrue(o.trainableParameters().keySet().stream().noneMatch(k -> k.contains("patch_embed")));
        assertTrue(o.trainableParameters().containsKey("predictor.3.weight"));
        assertTrue(o.trainableParameters().containsKey("base.backbone.cls_token"));

        float[] patchBefore = s.get("base.backbone.patch_embed.proj.weight").toFloatArray();
        AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 1e-2);
        Var loss = o.loss(TinyBatches.views(6, 2, 0, new Rng(4)), new StepInfo(0, 4, 0, 4));
        loss.backward();
        opt.step();
        float[] base = o.module().stateDict().get("base.backbone.cls_token").toFloatArray();
        float[] before =
                o.module().stateDict().get("momentum.backbone.cls_token").toFloatArray();
        o.afterOptimizerStep(new StepInfo(0, 4, 0, 4));
        float[] after =
                o.module().stateDict().get("momentum.backbone.cls_token").toFloatArray();
        double m = o.metrics().get("momentum");
        assertEquals(0.9, m, 1e-12);
        for (int i = 0; i < after.length; i++)
            assertEquals(m * before[i] + (1 - m) * base[i], after[i], 1e-6, "cls_token " + i);
        assertFalse(Arrays.equals(before, after), "the momentum encoder did not move");
        assertArrayEquals(
                patchBefore,
                o.module()
                        .stateDict()
                        .get("base.backbone.patch_embed.proj.weight")
                        .toFloatArray(),
                "the frozen patch projection moved");
    }

    @Test
    void patchProjectionTrainsWhenNotFrozen() {
        MocoObjective o = new MocoObjective(TinyBatches.tinyVit(), 24, 8, 0.9, 0.2, false, new Rng(3));
        assertTrue(o.trainableParameters().containsKey("base.backbone.patch_embed.proj.weight"));
    }

    @Test
    void lossIsFiniteAndDecreasesOverSixSteps() {
        MocoObjective o = new MocoObjective(TinyBatches.tinyVit(), 32, 16, 0.99, 0.2, true, new Rng(5));
        TinyBatches.assertLossFalls(o, TinyBatches.views(8, 2, 0, new Rng(6)), 6);
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(6, 3, 0, new Rng(7)), new StepInfo(0, 1, 0, 1)));
    }

    @Test
    void badArgumentsAreNamed() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> MocoLoss.loss(Var.param(Tensor.zeros(4, 5)), Tensor.zeros(3, 5), 0.2));
        assertTrue(e.getMessage().contains("[4, 5]") || e.getMessage().contains("(4, 5)"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> MocoLoss.loss(Var.param(Tensor.zeros(4, 5)), Tensor.zeros(4, 5), 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new MocoObjective(TinyBatches.tinyVit(), 8, 4, 1.5, 0.2, true, new Rng(1)));
    }
}
