package dev.loupe.ssl.simclr;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.Golden;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NT-Xent against a PyTorch reproduction of SLIP's SIMCLRLoss (fixture by
 * tools/golden/make_ssl_fixtures.py, tolerance {@link Golden#RTOL}), the head's names, and a few
 * training steps of the objective.
 */
class SimClrTest {
    @Test
    void ntXentLossAndGradientsMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("ntxent.safetensors");
        Var za = Var.param(f.get("za")), zb = Var.param(f.get("zb"));
        Var loss = NtXentLoss.loss(za, zb, 0.1);
        assertCloseToScale("loss", f.get("loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("grad za", f.get("grad_za"), za.grad(), RTOL);
        assertCloseToScale("grad zb", f.get("grad_zb"), zb.grad(), RTOL);
    }

    @Test
    void headHasSlipNames() {
        SimClrHead head = new SimClrHead(16, 32, 8, new Rng(1));
        assertTrue(head.stateDict()
                .keySet()
                .containsAll(
                        List.of("layer1.weight", "bn1.running_mean", "layer2.bias", "bn2.weight", "layer3.weight")));
        assertArrayEquals(
                new int[] {5, 8},
                head.forward(Var.of(Tensor.randn(new Rng(2), 5, 16))).sizes());
    }

    @Test
    void lossIsFiniteAndDecreasesOverFiveSteps() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, new Rng(3));
        AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 3e-3);
        Batch batch = TinyBatches.views(6, 2, 0, new Rng(4));
        double first = 0, last = 0;
        for (int i = 0; i < 6; i++) {
            opt.zeroGrad();
            Var loss = o.loss(batch, new StepInfo(i, 6, 0, 6));
            assertTrue(Double.isFinite(loss.item()), "loss " + loss.item() + " at step " + i);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first, "loss did not decrease: " + first + " -> " + last);
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(6, 3, 0, new Rng(5)), new StepInfo(0, 1, 0, 1)));
    }
}
