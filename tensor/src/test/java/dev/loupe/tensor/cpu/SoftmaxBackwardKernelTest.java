package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxBackwardKernelTest {
    private static Tensor run(Tensor y, Tensor g, int dim, boolean log, boolean scalar) {
        Tensor out = Tensor.empty(y.dtype(), y.sizes());
        CpuSoftmaxBackward.softmaxBackward(y, g, dim, log, out, scalar);
        return out;
    }

    /** The composite definitions, in F64. */
    private static Tensor reference(Tensor y, Tensor g, int dim, boolean log) {
        Tensor yd = y.to(DType.F64), gd = g.to(DType.F64);
        return log
                ? gd.sub(yd.exp().mul(gd.sum(true, dim)))
                : yd.mul(gd.sub(gd.mul(yd).sum(true, dim)));
    }

    // Vector and twin sum the row in different orders (fma and lanes against a sequential float sum):
    // sum(g y) has terms |g| y with sum(y) = 1, so its error is a few 1e-7; dx = y (g - s) carries it
    // times y <= 1. For log-softmax sum(g) over up to 100 terms of |g| ~ 1 errs by ~1e-5 relative to
    // the row's |g| sum, times exp(y) <= 1, plus exp's few ulp.
    @Test
    void vectorMatchesScalarTwinAndDoubleReference() {
        long seed = 201;
        for (int n : SIZES) {
            for (int[] shape : new int[][] {{n}, {5, n}, {3, 2, n}}) {
                Tensor x = randn(seed++, shape).mul(3.0), g = randn(seed++, shape);
                for (int dim = 0; dim < shape.length; dim++) {
                    for (boolean log : new boolean[] {false, true}) {
                        Tensor y = log ? x.logSoftmax(dim) : x.softmax(dim);
                        Tensor ref = reference(y, g, dim, log);
                        for (Tensor yi : new Tensor[] {y, shape.length > 1 ? nonContiguous(y) : y}) {
                            for (Tensor gi : new Tensor[] {g, shape.length > 1 ? nonContiguous(g) : g}) {
                                String what = (log ? "log_softmax " : "softmax ") + yi.shape() + " dim " + dim
                                        + (yi.isContiguous() ? "" : " strided y")
                                        + (gi.isContiguous() ? "" : " strided g");
                                Tensor twin = run(yi, gi, dim, log, true), vec = run(yi, gi, dim, log, false);
                                assertClose(what + " vector vs twin", twin, vec, 2e-6, 2e-6);
                                assertClose(what + " twin vs F64", ref, twin, 4e-6, 2e-6);
                                assertClose(what + " vector vs F64", ref, vec, 4e-6, 2e-6);
                                assertClose(
                                        what + " F64 kernel",
                                        ref,
                                        run(yi.to(DType.F64), gi.to(DType.F64), dim, log, true),
                                        1e-12,
                                        1e-12);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void frontEndNegativeDimAndScalar() {
        Tensor x = randn(5, 4, 17), g = randn(6, 4, 17);
        Tensor y = x.softmax(-1), ly = x.logSoftmax(0);
        assertClose("softmax dim -1", reference(y, g, 1, false), Fused.softmaxBackward(y, g, -1), 4e-6, 2e-6);
        assertClose("log_softmax dim 0", reference(ly, g, 0, true), Fused.logSoftmaxBackward(ly, g, 0), 4e-6, 2e-6);
        // a 0-d softmax is the constant 1: its gradient is 0
        Tensor s = Tensor.scalar(3f).softmax(0);
        assertClose("0-d", Tensor.scalar(0f), Fused.softmaxBackward(s, Tensor.scalar(2f), 0), 0, 0);
    }
}
