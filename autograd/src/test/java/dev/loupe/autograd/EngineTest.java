package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The engine's bookkeeping: accumulation, fan-out, broadcasting, no-grad, detach, in-place safety. */
class EngineTest {
    private static Var p(double... v) {
        return Var.param(Tensor.of(v));
    }

    @Test
    void fanOutSumsGradients() {
        Var x = p(2, 3);
        Var y = x.mul(x).add(x).sum(); // d/dx (x^2 + x) = 2x + 1
        y.backward();
        assertArrayEquals(new double[] {5, 7}, x.grad().toDoubleArray());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Var x = p(1, 2);
        x.mul(3).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void broadcastInputGetsSummedGradient() {
        Var bias = Var.param(Tensor.of(new double[] {1, 2, 3}));
        Var x = Var.of(Tensor.zeros(DType.F64, 4, 3));
        x.add(bias).sum().backward();
        assertArrayEquals(new double[] {4, 4, 4}, bias.grad().toDoubleArray());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Var x = p(1, 2);
        Var y;
        try (var scope = GradMode.disable()) {
            y = x.mul(2);
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test
    void detachCutsTheGraph() {
        Var x = p(1, 2);
        Var y = x.mul(x).detach().mul(x).sum(); // only the last factor carries a gradient: x^2 treated as constant
        y.backward();
        assertArrayEquals(new double[] {1, 4}, x.grad().toDoubleArray());
    }

    @Test
    void modifyingASavedInputInPlaceIsAnError() {
        Var x = p(1, 2);
        Var y = x.mul(x).sum();
        x.updateInPlace(t -> t.fill(0));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("in place"), e.getMessage());
    }

    @Test
    void modifyingAnInputThatWasNotSavedIsFine() {
        Var x = p(1, 2);
        Var y = x.add(x).sum(); // add does not read its inputs' values in backward
        x.updateInPlace(t -> t.fill(0));
        y.backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray());
    }

    @Test
    void retainGradKeepsAnIntermediateGradient() {
        Var x = p(1, 2);
        Var h = x.mul(2).retainGrad();
        h.mul(h).sum().backward(); // dL/dh = 2h = (4, 8)
        assertArrayEquals(new double[] {4, 8}, h.grad().toDoubleArray());
        assertArrayEquals(new double[] {8, 16}, x.grad().toDoubleArray());
    }

    @Test
    void backwardNeedsAScalarOrASeed() {
        Var x = p(1, 2);
        Var y = x.mul(2);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(Tensor.of(new double[] {1, 10}));
        assertArrayEquals(new double[] {2, 20}, x.grad().toDoubleArray());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Var x = p(1);
        Var y = x;
        for (int i = 0; i < 20000; i++) y = y.add(0.0);
        y.sum().backward();
        assertArrayEquals(new double[] {1}, x.grad().toDoubleArray());
    }
}
