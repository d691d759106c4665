package dev.loupe.ssl.simclr;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.dino.DinoLoss;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.InProcessGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NT-Xent, DINO's centre and DINOv2's Sinkhorn-Knopp across ranks against one process with the global batch: rank r holds
 * rows [r b, (r + 1) b). The mean of the ranks' losses is the one-process loss, and each rank's
 * gradient divided by the world size (what data-parallel averaging does) is the one-process gradient
 * of its rows.
 */
class DistributedLossesTest {
    private static final int B = 12, E = 5;

    private static Tensor rows(long seed) {
        return Tensor.randn(new Rng(seed), B, E);
    }

    @Test
    void ntXentOverRanksIsTheGlobalBatchLoss() {
        Var za = Var.param(rows(1)), zb = Var.param(rows(2));
        Var one = NtXentLoss.loss(za, zb, 0.2);
        one.backward();
        for (int world : new int[] {2, 3}) {
            int b = B / world;
            record Out(double loss, Tensor ga, Tensor gb) {}
            List<Out> outs = InProcessGroup.run(world, c -> {
                Var a = Var.param(rows(1).narrow(0, c.rank() * b, b).contiguous());
                Var bb = Var.param(rows(2).narrow(0, c.rank() * b, b).contiguous());
                Var loss = NtXentLoss.loss(a, bb, 0.2, c);
                loss.backward();
                return new Out(loss.item(), a.grad().div(world), bb.grad().div(world));
            });
            double mean = outs.stream().mapToDouble(Out::loss).sum() / world;
            assertEquals(one.item(), mean, 1e-5 * Math.abs(one.item()), world + " ranks");
            for (int r = 0; r < world; r++) {
                assertCloseToScale(
                        "dL/dza rank " + r,
                        za.grad().narrow(0, r * b, b),
                        outs.get(r).ga(),
                        1e-5);
                assertCloseToScale(
                        "dL/dzb rank " + r,
                        zb.grad().narrow(0, r * b, b),
                        outs.get(r).gb(),
                        1e-5);
            }
        }
    }

    @Test
    void sinkhornKnoppOverRanksGivesEachRankItsRowsOfTheOneProcessAssignment() {
        Tensor teacher = Tensor.randn(new Rng(5), B, 9).mul(0.1); // logits / 0.07 within exp range
        Tensor one = dev.loupe.ssl.dinov2.SinkhornKnopp.apply(teacher, 0.07);
        List<Tensor> parts = InProcessGroup.run(
                3,
                c -> dev.loupe.ssl.dinov2.SinkhornKnopp.apply(
                        teacher.narrow(0, c.rank() * 4, 4).contiguous(), 0.07, 3, c));
        for (int r = 0; r < 3; r++) assertCloseToScale("rank " + r, one.narrow(0, r * 4, 4), parts.get(r), 1e-5);
    }

    @Test
    void dinoCentreMovesTowardTheMeanOfEveryRanksTeacherOutputs() {
        Tensor teacher = Tensor.randn(new Rng(3), 2 * B, 7);
        DinoLoss one = new DinoLoss(7);
        one.updateCenter(teacher);
        List<Tensor> centres = InProcessGroup.run(3, c -> {
            DinoLoss mine = new DinoLoss(7);
            mine.synchronize(c);
            mine.updateCenter(teacher.narrow(0, c.rank() * 8, 8).contiguous());
            return mine.center();
        });
        for (Tensor centre : centres) assertCloseToScale("centre", one.center(), centre, 1e-6);
    }
}
