package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backward hands its gradients' arrays out again as soon as they are consumed ({@link BackwardBuffers}):
 * the gradients are the bits of a pass with pooling off, with every reused array poisoned with NaN first,
 * on graphs where one gradient reaches several inputs, views share a storage, and Vars retain theirs.
 */
class BackwardBuffersTest {
    @AfterEach
    void clearSwitches() {
        System.clearProperty("loupe.buffer.pool");
        System.clearProperty("loupe.buffer.poison");
    }

    /** Leaves and the Vars whose gradients the test reads, built fresh for one pass. */
    private record Graph(List<Var> watched, Var loss) {}

    private static Graph sharedGradients() {
        Rng rng = new Rng(3);
        Var x = Var.param(Tensor.randn(rng, 6, 8)), w = Var.param(Tensor.randn(rng, 5, 8));
        Var b = Var.param(Tensor.randn(rng, 5));
        Var h = x.linear(w, b).retainGrad(); // (6, 5)
        Var s = h.add(h).reshape(5, 6).transpose(0, 1); // one gradient to both inputs, then views
        Var t = s.mul(s.exp()).add(x.narrow(1, 0, 5)).retainGrad();
        Var loss = t.sum(false, 1).mul(t.mean(false, 1)).sum();
        return new Graph(List.of(x, w, b, h, t), loss);
    }

    private static List<float[]> gradients(Supplier<Graph> make) {
        Graph g = make.get();
        g.loss().backward();
        List<float[]> out = new ArrayList<>();
        for (Var v : g.watched()) out.add(v.grad().toFloatArray());
        return out;
    }

    @Test
    void pooledBackwardGivesTheUnpooledBits() {
        System.setProperty("loupe.buffer.pool", "off");
        List<float[]> expected = gradients(BackwardBuffersTest::sharedGradients);
        System.clearProperty("loupe.buffer.pool");
        System.setProperty("loupe.buffer.poison", "true");
        long reused = BackwardBuffers.pool().reused();
        for (int pass = 0; pass < 3; pass++) {
            List<float[]> got = gradients(BackwardBuffersTest::sharedGradients);
            for (int i = 0; i < expected.size(); i++)
                assertArrayEquals(expected.get(i), got.get(i), 0f, "pass " + pass + " gradient " + i);
        }
        assertTrue(BackwardBuffers.pool().reused() > reused, "nothing was reused");
    }

    @Test
    void storedGradientsSurviveLaterPasses() {
        Graph first = sharedGradients();
        first.loss().backward();
        List<float[]> kept = new ArrayList<>();
        for (Var v : first.watched()) kept.add(v.grad().toFloatArray());
        System.setProperty("loupe.buffer.poison", "true");
        for (int pass = 0; pass < 2; pass++) sharedGradients().loss().backward();
        for (int i = 0; i < kept.size(); i++)
            assertArrayEquals(kept.get(i), first.watched().get(i).grad().toFloatArray(), 0f, "gradient " + i);
    }

    @Test
    void aFailedPassKeepsTheGradientsItStored() {
        Rng rng = new Rng(1);
        Var a = Var.param(Tensor.randn(rng, 7)), x = Var.param(Tensor.randn(rng, 7));
        try (var hook = a.addPostAccumulateGradHook(v -> {
            throw new IllegalStateException("stop");
        })) {
            Var loss = a.mul(a).sum().add(x.exp().sum());
            assertThrows(IllegalStateException.class, loss::backward);
        }
        float[] stored = a.grad().toFloatArray();
        System.setProperty("loupe.buffer.poison", "true");
        for (int pass = 0; pass < 2; pass++) sharedGradients().loss().backward();
        assertArrayEquals(stored, a.grad().toFloatArray(), 0f);
        float[] twice = a.data().mul(2).toFloatArray();
        assertArrayEquals(twice, stored, 1e-6f);
    }
}
