package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Normalization.LayerNormResult;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayerNormBackwardKernelTest {
    private record Grads(Tensor dx, Tensor dw, Tensor db) {}

    private static Grads run(Tensor x, Tensor w, Tensor mean, Tensor rstd, Tensor g, boolean scalar) {
        int d = x.size(1);
        Tensor dx = Tensor.empty(x.dtype(), x.sizes()),
                dw = Tensor.empty(x.dtype(), d),
                db = Tensor.empty(x.dtype(), d);
        CpuLayerNormBackward.layerNormBackward(x, w, mean, rstd, g, dx, dw, db, scalar);
        return new Grads(dx, dw, db);
    }

    /** The composite definition in F64 from the same saved statistics. x, g: (R, D). */
    private static Grads reference(Tensor x, Tensor w, Tensor mean, Tensor rstd, Tensor g) {
        int rows = x.size(0);
        Tensor xd = x.to(DType.F64), gd = g.to(DType.F64);
        Tensor m = mean.to(DType.F64).reshape(rows, 1), r = rstd.to(DType.F64).reshape(rows, 1);
        Tensor xhat = xd.sub(m).mul(r);
        Tensor dxhat = w == null ? gd : gd.mul(w.to(DType.F64));
        Tensor dx = dxhat.sub(dxhat.mean(true, 1))
                .sub(xhat.mul(dxhat.mul(xhat).mean(true, 1)))
                .mul(r);
        return new Grads(dx, gd.mul(xhat).sum(false, 0), gd.sum(false, 0));
    }

    // dx: vector and twin sum the row's two means in different orders (D terms of |g w xhat| ~ 1):
    // a few 1e-7 relative to the row's magnitude, times rstd (~0.5 here): 5e-6 absolute.
    // dweight / dbias: the same block order in both; the terms differ by xhat's rounding only, but
    // the sums run over up to 100 rows of |g xhat| ~ 1 in float: 1e-5 absolute against F64.
    @Test
    void vectorMatchesScalarTwinAndDoubleReference() {
        long seed = 301;
        for (int d : SIZES) {
            if (d == 0) continue;
            for (int rows : new int[] {0, 1, 17, 100}) {
                Tensor x = randn(seed++, rows, d).mul(2.0).add(0.5), g = randn(seed++, rows, d), w = randn(seed++, d);
                Tensor wide = randn(seed++, rows, d + 5).narrow(1, 2, d); // strided rows
                Tensor transposed = randn(seed++, d, rows).mT(); // strided elements
                for (Tensor in : new Tensor[] {x, wide, transposed}) {
                    for (Tensor gi : new Tensor[] {g, randn(seed++, d, rows).mT()}) {
                        for (Tensor ww : new Tensor[] {null, w}) {
                            LayerNormResult f = Normalization.layerNorm(in, ww, null, 1e-5);
                            String what = in.shape() + " strides " + java.util.Arrays.toString(in.strides())
                                    + (gi.isContiguous() ? "" : " strided g") + (ww == null ? "" : " weight");
                            Grads ref = reference(in, ww, f.mean(), f.rstd(), gi);
                            Grads twin = run(in, ww, f.mean(), f.rstd(), gi, true),
                                    vec = run(in, ww, f.mean(), f.rstd(), gi, false);
                            for (Grads r : new Grads[] {twin, vec}) {
                                assertClose("dx " + what, ref.dx, r.dx, 5e-6, 2e-6);
                                assertClose("dweight " + what, ref.dw, r.dw, 1e-5, 1e-6);
                                assertClose("dbias " + what, ref.db, r.db, 1e-5, 1e-6);
                            }
                            assertClose("dx vector vs twin " + what, twin.dx, vec.dx, 5e-6, 2e-6);
                            Tensor wd = ww == null ? null : ww.to(DType.F64);
                            Grads f64 = run(
                                    in.to(DType.F64),
                                    wd,
                                    f.mean().to(DType.F64),
                                    f.rstd().to(DType.F64),
                                    gi.to(DType.F64),
                                    true);
                            assertClose("F64 dx " + what, ref.dx, f64.dx, 1e-12, 1e-10);
                            assertClose("F64 dweight " + what, ref.dw, f64.dw, 1e-12, 1e-10);
                            assertClose("F64 dbias " + what, ref.db, f64.db, 1e-12, 1e-10);
                        }
                    }
                }
            }
        }
    }

    // ViT-sized rows and odd widths over many row blocks. dbias: the same terms (g) in the same block
    // order, so the same bits. dweight: the terms g xhat differ by xhat's rounding (a few 1e-7 of
    // |g xhat| ~ 1), summed over up to 1000 rows in the same order: under 1e-4.
    @Test
    void vectorMatchesTwinOnVitAndOddWidths() {
        long seed = 351;
        for (int d : new int[] {192, 200, 47}) {
            for (int rows : new int[] {1, 33, 1000}) {
                Tensor x = randn(seed++, rows, d), g = randn(seed++, rows, d), w = randn(seed++, d);
                Tensor wide = randn(seed++, rows, d + 7).narrow(1, 3, d);
                for (Tensor in : new Tensor[] {x, wide}) {
                    for (Tensor ww : new Tensor[] {null, w}) {
                        LayerNormResult f = Normalization.layerNorm(in, ww, null, 1e-5);
                        String what = in.shape() + " strides " + java.util.Arrays.toString(in.strides())
                                + (ww == null ? "" : " weight");
                        Grads twin = run(in, ww, f.mean(), f.rstd(), g, true),
                                vec = run(in, ww, f.mean(), f.rstd(), g, false);
                        assertClose("dx vector vs twin " + what, twin.dx, vec.dx, 5e-6, 2e-6);
                        assertClose("dweight vector vs twin " + what, twin.dw, vec.dw, 1e-4, 1e-6);
                        assertSameBits("dbias vector vs twin " + what, twin.db, vec.db);
                    }
                }
            }
        }
    }

    @Test
    void sameBitsForAnyThreadCount() {
        for (int[] shape : new int[][] {{300, 37}, {1000, 192}, {70, 200}}) {
            sameBitsForAnyThreadCount(shape[0], shape[1]);
        }
    }

    private static void sameBitsForAnyThreadCount(int rows, int d) {
        Tensor x = randn(401, rows, d), g = randn(402, rows, d), w = randn(403, d);
        LayerNormResult f = Normalization.layerNorm(x, w, null, 1e-5);
        int saved = Parallel.threads();
        try {
            for (boolean scalar : new boolean[] {false, true}) {
                Parallel.setThreads(1);
                Grads one = run(x, w, f.mean(), f.rstd(), g, scalar);
                for (int threads : new int[] {2, 3, 7}) {
                    Parallel.setThreads(threads);
                    Grads many = run(x, w, f.mean(), f.rstd(), g, scalar);
                    assertSameBits("dx " + threads + " threads", one.dx, many.dx);
                    assertSameBits("dweight " + threads + " threads", one.dw, many.dw);
                    assertSameBits("dbias " + threads + " threads", one.db, many.db);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void frontEndBatchedInputAndOptionalGrads() {
        Tensor x = randn(501, 2, 3, 33), g = randn(502, 2, 3, 33), w = randn(503, 33);
        LayerNormResult f = Normalization.layerNorm(x, w, null, 1e-5);
        Fused.LayerNormGrads lg = Fused.layerNormBackward(x, w, f.mean(), f.rstd(), g, true, false);
        Grads ref = reference(x.reshape(6, 33), w, f.mean(), f.rstd(), g.reshape(6, 33));
        assertClose("dx", ref.dx.reshape(2, 3, 33), lg.dx(), 5e-6, 2e-6);
        assertClose("dweight", ref.dw, lg.dweight(), 1e-5, 1e-6);
        assertNull(lg.dbias());
    }
}
