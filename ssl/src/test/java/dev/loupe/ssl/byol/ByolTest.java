package dev.loupe.ssl.byol;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BYOL's projector, predictor and loss against a PyTorch reproduction (fixture by
 * tools/golden/make_byol_fixture.py, tolerance {@link Golden#RTOL}): the symmetrised loss and the
 * gradients of the inputs and of every parameter; the target momentum schedule; the target moving by
 * EMA; a few training steps of the objective.
 */
class ByolTest {
    /**
     * Biases that shift every row alike before a batch norm, which subtracts the shift again: their
     * gradient is zero in exact arithmetic. The projector's last bias passes through the predictor's
     * first linear layer (a per-feature shift still) into its batch norm.
     */
    private static final List<String> BIASES_BEFORE_BATCH_NORM =
            List.of("projector.0.bias", "projector.3.bias", "predictor.0.bias");

    @Test
    void lossAndEveryGradientMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("byol.safetensors");
        ByolMlp projector = new ByolMlp(6, 10, 5, new Rng(1)), predictor = new ByolMlp(5, 10, 5, new Rng(2));
        projector.loadStateDict(Golden.withPrefix(f, "projector."), true);
        predictor.loadStateDict(Golden.withPrefix(f, "predictor."), true);
        Var ya = Var.param(f.get("ya")), yb = Var.param(f.get("yb"));
        Var loss = ByolLoss.loss(predictor.forward(projector.forward(ya)), f.get("tb"))
                .add(ByolLoss.loss(predictor.forward(projector.forward(yb)), f.get("ta")));
        assertCloseToScale("loss", f.get("loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("grad ya", f.get("grad_ya"), ya.grad(), RTOL);
        assertCloseToScale("grad yb", f.get("grad_yb"), yb.grad(), RTOL);
        Map<String, Tensor> grads = Golden.withPrefix(f, "grad.");
        assertEquals(12, grads.size());
        for (var m : Map.of("projector.", projector, "predictor.", predictor).entrySet()) {
            m.getValue().namedParameters().forEach((n, p) -> {
                String name = m.getKey() + n;
                Tensor expected = grads.get(name);
                if (BIASES_BEFORE_BATCH_NORM.contains(name)) {
                    double bound = RTOL * maxAbs(grads.get(name.replace("bias", "weight")));
                    assertTrue(maxAbs(expected) <= bound, name + ": torch's gradient is not zero up to rounding");
                    assertTrue(
                            maxAbs(p.grad()) <= bound,
                            name + ": gradient " + maxAbs(p.grad()) + " is not zero up to rounding");
                } else {
                    assertCloseToScale("grad " + name, expected, p.grad(), RTOL);
                }
            });
        }
    }

    @Test
    void targetMomentumFollowsByolsCosine() {
        assertEquals(Golden.load("byol.safetensors").get("tau").item(), TeacherMomentum.at(0.99, 3, 10), 1e-15);
    }

    @Test
    void targetStartsAsTheOnlineNetworkAndFollowsItByEma() {
        ByolObjective o = new ByolObjective(TinyBatches.tinyVit(), 24, 8, 0.9, new Rng(3));
        Map<String, Tensor> s = o.module().stateDict();
        assertArrayEquals(
                s.get("online.projector.3.weight").toFloatArray(),
                s.get("target.projector.3.weight").toFloatArray());
        assertTrue(o.trainableParameters().keySet().stream().noneMatch(k -> k.startsWith("target.")));
        assertTrue(o.trainableParameters().containsKey("predictor.3.weight"));

        AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 1e-2);
        Var loss = o.loss(TinyBatches.views(6, 2, 0, new Rng(4)), new StepInfo(0, 4, 0, 4));
        loss.backward();
        opt.step();
        float[] online = o.module().stateDict().get("online.backbone.cls_token").toFloatArray();
        float[] before = o.module().stateDict().get("target.backbone.cls_token").toFloatArray();
        o.afterOptimizerStep(new StepInfo(0, 4, 0, 4));
        float[] after = o.module().stateDict().get("target.backbone.cls_token").toFloatArray();
        double m = o.metrics().get("target_momentum");
        assertEquals(0.9, m, 1e-12);
        for (int i = 0; i < after.length; i++)
            assertEquals(m * before[i] + (1 - m) * online[i], after[i], 1e-6, "cls_token " + i);
        assertFalse(java.util.Arrays.equals(before, after), "the target did not move");
    }

    @Test
    void lossIsFiniteAndDecreasesOverSixSteps() {
        ByolObjective o = new ByolObjective(TinyBatches.tinyVit(), 32, 16, 0.99, new Rng(5));
        TinyBatches.assertLossFalls(o, TinyBatches.views(8, 2, 0, new Rng(6)), 6);
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(6, 3, 0, new Rng(7)), new StepInfo(0, 1, 0, 1)));
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toFloatArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
