package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AdamWKernelTest {
    private static final double LR = 1e-2, B1 = 0.9, B2 = 0.999, EPS = 1e-8, WD = 0.05;

    /** Three steps with the kernel on copies of p, m, v; grads from {@code grads}. Returns {p, m, v}. */
    private static Tensor[] steps(Tensor p0, Tensor[] grads, boolean scalar) {
        Tensor p = p0.copy(), m = Tensor.zeros(p0.dtype(), p0.sizes()), v = Tensor.zeros(p0.dtype(), p0.sizes());
        for (int t = 1; t <= grads.length; t++) {
            var h = new CpuAdamW.Hyper(LR, B1, B2, EPS, WD, 1 - Math.pow(B1, t), 1 - Math.pow(B2, t));
            CpuAdamW.step(p, grads[t - 1], m, v, h, scalar);
        }
        return new Tensor[] {p, m, v};
    }

    /** torch.optim.AdamW's composite, in F64. */
    private static Tensor[] reference(Tensor p0, Tensor[] grads) {
        Tensor p = p0.to(DType.F64), m = Tensor.zeros(DType.F64, p0.sizes()), v = Tensor.zeros(DType.F64, p0.sizes());
        for (int t = 1; t <= grads.length; t++) {
            Tensor g = grads[t - 1].to(DType.F64);
            p = p.mul(1 - LR * WD);
            m = m.mul(B1).add(g.mul(1 - B1));
            v = v.mul(B2).add(g.mul(g).mul(1 - B2));
            Tensor denom = v.sqrt().div(Math.sqrt(1 - Math.pow(B2, t))).add(EPS);
            p = p.sub(m.div(denom).mul(LR / (1 - Math.pow(B1, t))));
        }
        return new Tensor[] {p, m, v};
    }

    // Vector and twin do the same float operations in the same order (no fma): same bits. Against
    // F64: each step moves p by about lr (m / sqrt(v) ~ 1), and float rounding of m, v and the update
    // leaves a few 1e-8 relative to that step, well inside 1e-6 absolute after three steps.
    @Test
    void vectorMatchesTwinBitwiseAndDoubleReference() {
        long seed = 601;
        for (int n : SIZES) {
            for (int[] shape : new int[][] {{n}, {3, n}}) {
                Tensor p = randn(seed++, shape);
                Tensor[] grads = {randn(seed++, shape), randn(seed++, shape), randn(seed++, shape)};
                Tensor[] strided = {nonContiguous(grads[0]), nonContiguous(grads[1]), nonContiguous(grads[2])};
                Tensor[] ref = reference(p, grads);
                for (Tensor[] gs : new Tensor[][] {grads, strided}) {
                    String what = java.util.Arrays.toString(shape) + (gs == strided ? " strided grad" : "");
                    Tensor[] twin = steps(p, gs, true), vec = steps(p, gs, false);
                    String[] names = {"param", "exp_avg", "exp_avg_sq"};
                    for (int k = 0; k < 3; k++) {
                        assertSameBits(names[k] + " vector vs twin " + what, twin[k], vec[k]);
                        assertClose(names[k] + " vs F64 " + what, ref[k], vec[k], 1e-6, 1e-6);
                    }
                    Tensor[] f64 = steps(
                            p.to(DType.F64),
                            new Tensor[] {gs[0].to(DType.F64), gs[1].to(DType.F64), gs[2].to(DType.F64)},
                            true);
                    for (int k = 0; k < 3; k++)
                        assertClose(names[k] + " F64 kernel " + what, ref[k], f64[k], 1e-14, 1e-12);
                }
            }
        }
    }

    // Long tensors are cut into blocks over the threads; a length that is not a multiple of the
    // lane count ends in a masked step. Same bits as the twin, and for any thread count.
    @Test
    void longTensorsKeepTheTwinsBitsForAnyThreadCount() {
        int saved = dev.loupe.tensor.Parallel.threads();
        try {
            for (int n : new int[] {192 * 768, 40_000 + 5}) {
                Tensor p = randn(801, n);
                Tensor[] grads = {randn(802, n), randn(803, n)};
                dev.loupe.tensor.Parallel.setThreads(1);
                Tensor[] twin = steps(p, grads, true);
                for (int threads : new int[] {1, 2, 3}) {
                    dev.loupe.tensor.Parallel.setThreads(threads);
                    Tensor[] vec = steps(p, grads, false);
                    for (int k = 0; k < 3; k++)
                        assertSameBits(n + " elements, " + threads + " threads", twin[k], vec[k]);
                }
            }
        } finally {
            dev.loupe.tensor.Parallel.setThreads(saved);
        }
    }

    @Test
    void stridedParamAndFrontEnd() {
        Tensor base = randn(701, 17, 5), g = randn(702, 5, 17);
        Tensor p = nonContiguous(base.mT().contiguous()), m = Tensor.zeros(5, 17), v = Tensor.zeros(5, 17);
        Tensor[] ref = reference(p, new Tensor[] {g});
        Fused.adamwStep(p, g, m, v, LR, B1, B2, EPS, WD, 1 - B1, 1 - B2);
        assertClose("param", ref[0], p, 1e-6, 1e-6);
        assertClose("exp_avg", ref[1], m, 1e-7, 1e-6);
        assertClose("exp_avg_sq", ref[2], v, 1e-7, 1e-6);
    }
}
