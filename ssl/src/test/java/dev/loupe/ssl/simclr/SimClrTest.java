package dev.loupe.ssl.simclr;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.Golden;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.ArrayList;
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
        TinyBatches.assertLossFalls(o, TinyBatches.views(6, 2, 2, new Rng(4)), 6); // two global and two local views
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(6, 1, 0, new Rng(5)), new StepInfo(0, 1, 0, 1)));
    }

    @Test
    void multiCropNtXentAndGradientsMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("ntxent_multicrop.safetensors");
        List<Var> z =
                List.of(Var.param(f.get("z0")), Var.param(f.get("z1")), Var.param(f.get("z2")), Var.param(f.get("z3")));
        Var loss = NtXentLoss.multiCrop(z, 0.2, Communicator.single());
        assertCloseToScale("loss", f.get("loss"), loss.data(), RTOL);
        loss.backward();
        for (int i = 0; i < 4; i++)
            assertCloseToScale("grad z" + i, f.get("grad_z" + i), z.get(i).grad(), RTOL);
    }

    @Test
    void multiCropWithTwoViewsIsTheTwoViewLoss() {
        Rng rng = new Rng(8);
        Var za = Var.of(Tensor.randn(rng, 5, 6)), zb = Var.of(Tensor.randn(rng, 5, 6));
        assertEquals(
                NtXentLoss.loss(za, zb, 0.3).item(),
                NtXentLoss.multiCrop(List.of(za, zb), 0.3, Communicator.single())
                        .item());
    }

    /** The objective batches views of one size through the backbone; per view it equals embedding each alone. */
    @Test
    void objectiveScoresEveryViewAsIfEmbeddedAlone() {
        SimClrObjective o = new SimClrObjective(TinyBatches.tinyVit(), 32, 8, 0.5, new Rng(3));
        for (int locals : new int[] {0, 3}) {
            Batch batch = TinyBatches.views(6, 2, locals, new Rng(9));
            List<Var> separately = new ArrayList<>();
            for (Tensor view : batch.views()) separately.add(o.module().embed(Var.of(view)));
            double expected =
                    NtXentLoss.multiCrop(separately, 0.5, Communicator.single()).item();
            double actual = o.loss(batch, new StepInfo(0, 1, 0, 1)).item();
            assertEquals(expected, actual, 1e-5 * Math.abs(expected), locals + " local views");
        }
    }
}
