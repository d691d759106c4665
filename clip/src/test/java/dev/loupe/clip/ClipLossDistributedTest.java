package dev.loupe.clip;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.InProcessGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CLIP's loss across 2 ranks (rank r holds pairs [r b, (r + 1) b)) against one process with all pairs: loss and gradients. */
class ClipLossDistributedTest {
    @Test
    void twoRanksGiveTheGlobalBatchLossAndGradients() {
        Tensor images = Tensor.randn(new Rng(1), 10, 6), texts = Tensor.randn(new Rng(2), 10, 6);
        Var img = Var.param(images),
                txt = Var.param(texts),
                scale = Var.param(Tensor.full(dev.loupe.tensor.DType.F32, Math.log(1 / 0.07)));
        Var one = ClipLoss.loss(img, txt, scale);
        one.backward();
        record Out(double loss, Tensor gi, Tensor gt, double gs) {}
        List<Out> outs = InProcessGroup.run(2, c -> {
            Var i = Var.param(images.narrow(0, c.rank() * 5, 5).contiguous()),
                    t = Var.param(texts.narrow(0, c.rank() * 5, 5).contiguous());
            Var s = Var.param(Tensor.full(dev.loupe.tensor.DType.F32, Math.log(1 / 0.07)));
            Var loss = ClipLoss.loss(i, t, s, c);
            loss.backward();
            return new Out(
                    loss.item(), i.grad().div(2), t.grad().div(2), s.grad().item() / 2);
        });
        assertEquals(one.item(), (outs.get(0).loss() + outs.get(1).loss()) / 2, 1e-5 * one.item());
        assertEquals(
                scale.grad().item(),
                outs.get(0).gs() + outs.get(1).gs(),
                1e-5 * Math.abs(scale.grad().item()));
        for (int r = 0; r < 2; r++) {
            assertCloseToScale(
                    "dL/dimage rank " + r,
                    img.grad().narrow(0, r * 5, 5),
                    outs.get(r).gi(),
                    1e-5);
            assertCloseToScale(
                    "dL/dtext rank " + r,
                    txt.grad().narrow(0, r * 5, 5),
                    outs.get(r).gt(),
                    1e-5);
        }
    }
}
