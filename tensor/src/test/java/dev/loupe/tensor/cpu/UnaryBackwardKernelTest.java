package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

class UnaryBackwardKernelTest {
    private static final UnaryOp[] FUSED = {
        UnaryOp.GELU,
        UnaryOp.GELU_TANH,
        UnaryOp.SILU,
        UnaryOp.QUICK_GELU,
        UnaryOp.SIGMOID,
        UnaryOp.TANH,
        UnaryOp.RELU,
        UnaryOp.EXP
    };

    private static Tensor run(UnaryOp op, Tensor x, Tensor g, boolean scalar) {
        Tensor out = Tensor.empty(x.dtype(), x.sizes());
        CpuUnaryBackward.unaryBackward(op, x, g, out, scalar);
        return out;
    }

    // The twin computes op'(x) in double and rounds once; the vector loops use float erf / erfc
    // (GELU's Phi, about 2.5e-7 absolute) and the Vector API's exp / tanh (a few ulp), so op'(x)
    // differs by up to ~5e-7 absolute, times |g| <= ~4: 2e-6 absolute plus 2e-6 relative.
    @Test
    void vectorMatchesScalarTwin() {
        long seed = 101;
        for (UnaryOp op : FUSED) {
            for (int n : SIZES) {
                for (int[] shape : new int[][] {{n}, {5, n}, {3, 2, n}}) {
                    Tensor x = randn(seed++, shape).mul(3.0), g = randn(seed++, shape);
                    for (Tensor xi : new Tensor[] {x, nonContiguous(x)}) {
                        for (Tensor gi : new Tensor[] {g, nonContiguous(g)}) {
                            String what = op + " " + xi.shape() + (xi.isContiguous() ? "" : " strided x")
                                    + (gi.isContiguous() ? "" : " strided g");
                            Tensor twin = run(op, xi, gi, true);
                            assertClose(what, twin, run(op, xi, gi, false), 2e-6, 2e-6);
                            assertClose(what + " via Fused", twin, Fused.unaryBackward(op, xi, gi), 2e-6, 2e-6);
                        }
                    }
                }
            }
        }
    }

    // The double definitions against central differences of the ops' own double forms, step 1e-5:
    // truncation error ~ h^2 f''' / 6 ~ 1e-10 and rounding ~ 1e-16 / h ~ 1e-11, so 1e-8 can still fail
    // on a wrong formula. RELU's kink at 0 is kept out of reach of the step.
    @Test
    void doubleDefinitionMatchesCentralDifferences() {
        double h = 1e-5;
        double[] xs = randn(7, 200).mul(3.0).to(DType.F64).toDoubleArray();
        for (UnaryOp op : FUSED) {
            for (double x : xs) {
                if (op == UnaryOp.RELU && Math.abs(x) < 1e-3) continue;
                double fd = (op.apply(x + h) - op.apply(x - h)) / (2 * h);
                assertEquals(fd, UnaryDerivative.of(op, x), 1e-8 + 1e-8 * Math.abs(fd), op + " at " + x);
            }
        }
    }

    // F32 kernel against the F64 kernel: the float rounding of x moves op'(x) by ~|op''| 6e-8 |x|
    // plus the approximations above.
    @Test
    void f32MatchesF64() {
        for (UnaryOp op : FUSED) {
            Tensor x = randn(11, 7, 33).mul(3.0), g = randn(12, 7, 33);
            Tensor ref = run(op, x.to(DType.F64), g.to(DType.F64), true);
            assertClose(op + " vector", ref, run(op, x, g, false), 4e-6, 4e-6);
            assertClose(op + " twin", ref, run(op, x, g, true), 4e-6, 4e-6);
        }
    }

    @Test
    void knownValuesAndSupport() {
        // GELU'(0) = 1/2, GELU'(1) = Phi(1) + phi(1) = 0.8413447460685429 + 0.24197072451914337
        Tensor x = Tensor.of(new float[] {0f, 1f, -2f}), g = Tensor.of(new float[] {1f, 1f, 2f});
        Tensor d = Fused.unaryBackward(UnaryOp.GELU, x, g);
        assertEquals(0.5, d.getDouble(0), 1e-7);
        assertEquals(1.0833154705876864, d.getDouble(1), 1e-6);
        // 2 * (Phi(-2) - 2 phi(-2)) = 2 * (0.022750131948179195 - 0.10798193302637613)
        assertEquals(-0.17046360215639387, d.getDouble(2), 1e-6);
        Tensor r = Fused.unaryBackward(UnaryOp.RELU, x, g);
        assertEquals(0.0, r.getDouble(0), 0);
        assertEquals(1.0, r.getDouble(1), 0);
        assertEquals(0.0, r.getDouble(2), 0);
        assertTrue(Fused.supportsUnaryBackward(UnaryOp.SILU, x));
        assertFalse(Fused.supportsUnaryBackward(UnaryOp.SQRT, x));
        assertThrows(IllegalArgumentException.class, () -> Fused.unaryBackward(UnaryOp.LOG, x, g));
        assertThrows(
                IllegalArgumentException.class,
                () -> Fused.unaryBackward(UnaryOp.GELU, x, Tensor.of(new float[] {1f, 2f})));
    }
}
