package dev.loupe.eval.linear;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.autograd.Var;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.optim.Sgd;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MAE's probe head (BatchNorm1d(affine=False, eps 1e-6) + Linear) for two SGD momentum steps against
 * torch. Fixture made by tools/golden/make_eval_fixtures.py (Debian python3-torch 1.13).
 */
class LinearProbeGoldenTest {
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(Path.of(LinearProbeGoldenTest.class
                .getResource("/golden/eval_fixtures.safetensors")
                .toURI()));
    }

    @Test
    void twoSgdStepsMatchTorch() {
        ProbeHead head = new ProbeHead(6, 4, true, new Rng(0));
        head.linear.weight.data().copyFrom(fixture.get("probe.weight0"));
        head.linear.bias.data().copyFrom(fixture.get("probe.bias0"));
        Sgd opt = new Sgd(ParamGroup.single(head.namedParameters()), 0.05, 0.9, false, 0);
        head.train(true);
        for (int step = 1; step <= 2; step++) {
            double loss =
                    LinearProbe.trainStep(head, opt, fixture.get("probe.x" + step), fixture.get("probe.y" + step));
            assertEquals(
                    fixture.get("probe.loss" + step).item(),
                    loss,
                    1e-5 * Math.abs(fixture.get("probe.loss" + step).item()));
            assertCloseToScale(
                    "weight after step " + step, fixture.get("probe.weight" + step), head.linear.weight.data(), 1e-5);
            assertCloseToScale(
                    "bias after step " + step, fixture.get("probe.bias" + step), head.linear.bias.data(), 1e-5);
        }
        assertCloseToScale("running mean", fixture.get("probe.running_mean"), head.norm.runningMean(), 1e-5);
        assertCloseToScale("running var", fixture.get("probe.running_var"), head.norm.runningVar(), 1e-5);
        head.train(false);
        Tensor logits = LinearProbe.logits(head, fixture.get("probe.eval_x"));
        assertCloseToScale("eval logits", fixture.get("probe.eval_logits"), logits, 1e-5);
        assertEquals(
                DType.F32,
                head.forward(Var.of(fixture.get("probe.eval_x"))).data().dtype());
    }
}
