package dev.loupe.ssl.vicreg;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.Golden;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.InProcessGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VICReg's expander and criterion against a PyTorch reproduction of main_vicreg.py (fixture by
 * tools/golden/make_vicreg_fixture.py, tolerance {@link Golden#RTOL}): loss, its three terms, the
 * gradients of the inputs and of every expander parameter, the batch-norm statistics; the loss over
 * ranks against one process; a few training steps of the objective.
 */
class VicRegTest {
    @Test
    void lossTermsAndEveryGradientMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("vicreg.safetensors");
        VicRegExpander expander = new VicRegExpander(6, 10, 8, new Rng(99));
        expander.loadStateDict(Golden.withPrefix(f, "projector."), true);
        Var ya = Var.param(f.get("ya")), yb = Var.param(f.get("yb"));
        VicRegLoss.Terms t = VicRegLoss.loss(expander.forward(ya), expander.forward(yb), VicRegLoss.Weights.paper());
        assertCloseToScale("loss", f.get("loss"), t.loss().data(), RTOL);
        assertCloseToScale("invariance", f.get("invariance"), t.invariance().data(), RTOL);
        assertCloseToScale("variance", f.get("variance"), t.variance().data(), RTOL);
        assertCloseToScale("covariance", f.get("covariance"), t.covariance().data(), RTOL);
        t.loss().backward();
        assertCloseToScale("grad ya", f.get("grad_ya"), ya.grad(), RTOL);
        assertCloseToScale("grad yb", f.get("grad_yb"), yb.grad(), RTOL);
        Map<String, Tensor> grads = Golden.withPrefix(f, "grad.");
        assertEquals(grads.keySet(), expander.namedParameters().keySet());
        expander.namedParameters().forEach((name, p) -> {
            if (BIASES_BEFORE_BATCH_NORM.contains(name))
                assertZeroUpToRounding(name, grads.get(name), p.grad(), grads.get(name.replace("bias", "weight")));
            else assertCloseToScale("grad " + name, grads.get(name), p.grad(), RTOL);
        });
        Map<String, Tensor> state = expander.stateDict();
        Golden.withPrefix(f, "after.")
                .forEach((name, expected) -> assertCloseToScale(name, expected, state.get(name), RTOL));
    }

    /** The batch norm right after these layers subtracts their bias again, so its gradient is zero. */
    private static final List<String> BIASES_BEFORE_BATCH_NORM = List.of("0.bias", "3.bias");

    /**
     * A gradient that is zero in exact arithmetic: torch's holds rounding noise (a few 1e-7), so both
     * sides must lie within RTOL of the scale of the same layer's weight gradient.
     */
    private static void assertZeroUpToRounding(String name, Tensor torch, Tensor loupe, Tensor weightGrad) {
        double bound = RTOL * maxAbs(weightGrad);
        assertTrue(maxAbs(torch) <= bound, name + ": torch's gradient is not zero up to rounding");
        assertTrue(
                maxAbs(loupe) <= bound,
                name + ": gradient " + maxAbs(loupe) + " is not zero up to rounding (bound " + bound + ")");
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toFloatArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void expanderHasTheReferenceNames() {
        VicRegExpander e = new VicRegExpander(16, 32, 24, new Rng(1));
        assertEquals(
                List.of(
                        "0.weight",
                        "0.bias",
                        "1.weight",
                        "1.bias",
                        "3.weight",
                        "3.bias",
                        "4.weight",
                        "4.bias",
                        "6.weight"),
                List.copyOf(e.namedParameters().keySet()));
        assertArrayEquals(
                new int[] {5, 24},
                e.forward(Var.of(Tensor.randn(new Rng(2), 5, 16))).sizes());
    }

    @Test
    void lossOverRanksIsTheGlobalBatchLoss() {
        int rows = 12, d = 5;
        Tensor a = Tensor.randn(new Rng(1), rows, d).mul(0.7),
                b = a.add(Tensor.randn(new Rng(2), rows, d).mul(0.2));
        Var za = Var.param(a), zb = Var.param(b);
        Var one = VicRegLoss.loss(za, zb, VicRegLoss.Weights.paper()).loss();
        one.backward();
        for (int world : new int[] {2, 3}) {
            int n = rows / world;
            record Out(double loss, Tensor ga, Tensor gb) {}
            List<Out> outs = InProcessGroup.run(world, c -> {
                Var x = Var.param(a.narrow(0, c.rank() * n, n).contiguous());
                Var y = Var.param(b.narrow(0, c.rank() * n, n).contiguous());
                Var loss = VicRegLoss.loss(x, y, VicRegLoss.Weights.paper(), c).loss();
                loss.backward();
                return new Out(loss.item(), x.grad().div(world), y.grad().div(world));
            });
            double mean = outs.stream().mapToDouble(Out::loss).sum() / world;
            assertEquals(one.item(), mean, 1e-5 * Math.abs(one.item()), world + " ranks");
            for (int r = 0; r < world; r++) {
                assertCloseToScale(
                        "dL/dza rank " + r,
                        za.grad().narrow(0, r * n, n),
                        outs.get(r).ga(),
                        1e-5);
                assertCloseToScale(
                        "dL/dzb rank " + r,
                        zb.grad().narrow(0, r * n, n),
                        outs.get(r).gb(),
                        1e-5);
            }
        }
    }

    @Test
    void lossIsFiniteAndDecreasesOverSixSteps() {
        VicRegObjective o = new VicRegObjective(TinyBatches.tinyVit(), 32, 32, VicRegLoss.Weights.paper(), new Rng(3));
        TinyBatches.assertLossFalls(o, TinyBatches.views(8, 2, 0, new Rng(4)), 6);
        assertEquals(
                List.of("invariance", "variance", "covariance"),
                List.copyOf(o.metrics().keySet()));
        assertTrue(o.module().stateDict().containsKey("projector.6.weight"));
        assertTrue(o.module().stateDict().containsKey("backbone.cls_token"));
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(6, 3, 0, new Rng(5)), new StepInfo(0, 1, 0, 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> VicRegLoss.loss(
                        Var.of(Tensor.zeros(1, 4)), Var.of(Tensor.zeros(1, 4)), VicRegLoss.Weights.paper()));
    }
}
