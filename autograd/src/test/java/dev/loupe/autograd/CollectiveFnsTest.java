package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.InProcessGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectiveFnsTest {
    /** Rank r's input (3, 2) and weights (W 3, 2), the same on every call. */
    private static Tensor input(int r) {
        return Tensor.randn(new Rng(10 + r), 3, 2);
    }

    private static Tensor weights(int r, int world) {
        return Tensor.randn(new Rng(100 + r), 3 * world, 2);
    }

    @Test
    void allGatherGivesEachRankTheGradientOfTheSumOfAllRanksLosses() {
        int world = 3;
        List<float[]> grads = InProcessGroup.run(world, c -> {
            Var x = Var.param(input(c.rank()));
            Var all = x.allGather(c); // (9, 2)
            assertArrayEquals(new int[] {9, 2}, all.sizes());
            all.mul(Var.of(weights(c.rank(), world))).sum().backward(); // loss_r = sum(w_r * gathered)
            return x.grad().toFloatArray();
        });
        // one process holding every rank's x: d(sum_r loss_r)/dx_r = sum over r' of w_r'[block r]
        List<Var> xs = new ArrayList<>();
        for (int r = 0; r < world; r++) xs.add(Var.param(input(r)));
        Var gathered = Var.concat(0, xs);
        Var total = null;
        for (int r = 0; r < world; r++) {
            Var loss = gathered.mul(Var.of(weights(r, world))).sum();
            total = total == null ? loss : total.add(loss);
        }
        total.backward();
        for (int r = 0; r < world; r++)
            assertArrayEquals(xs.get(r).grad().toFloatArray(), grads.get(r), 1e-6f, "rank " + r);
    }

    @Test
    void allReduceSumSumsValuesForwardAndGradientsBackward() {
        List<float[]> out = InProcessGroup.run(2, c -> {
            Var x = Var.param(Tensor.of(new float[] {1 + c.rank(), 10 * (1 + c.rank())}, 2));
            Var s = x.allReduceSum(c);
            assertArrayEquals(new float[] {3, 30}, s.data().toFloatArray());
            s.mul(Var.of(Tensor.of(new float[] {c.rank() + 1, 5}, 2))).sum().backward();
            return x.grad().toFloatArray();
        });
        assertArrayEquals(new float[] {3, 10}, out.get(0)); // (1 + 2, 5 + 5) on both ranks
        assertArrayEquals(new float[] {3, 10}, out.get(1));
    }

    @Test
    void oneRankRecordsNothing() {
        Var x = Var.param(Tensor.ones(2, 2));
        assertSame(x, x.allGather(Communicator.single()));
        assertSame(x, x.allReduceSum(Communicator.single()));
    }

    @Test
    void postAccumulateHooksRunOncePerBackwardWithTheFinalGradient() {
        Var w = Var.param(Tensor.of(new float[] {2, 3}, 2));
        Var b = Var.param(Tensor.of(new float[] {1, 1}, 2));
        List<String> seen = new ArrayList<>();
        var handle = w.addPostAccumulateGradHook(
                v -> seen.add("w " + java.util.Arrays.toString(v.grad().toFloatArray())));
        b.addPostAccumulateGradHook(v -> seen.add("b"));
        // w is used twice: the hook must see the summed gradient, once
        w.mul(w).add(w.mul(b)).sum().backward();
        assertEquals(java.util.Set.of("w [5.0, 7.0]", "b"), java.util.Set.copyOf(seen)); // dw = 2 w + b
        assertEquals(2, seen.size());
        handle.close();
        w.zeroGrad();
        w.mul(b).sum().backward();
        assertEquals(3, seen.size());
        assertThrows(IllegalStateException.class, () -> w.mul(b).addPostAccumulateGradHook(v -> {}));
    }
}
