package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Normalization.LayerNormResult;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayerNormKernelTest {
    private record Run(Tensor out, Tensor mean, Tensor rstd) {}

    private static Run run(Tensor x, Tensor w, Tensor b, double eps, boolean scalar) {
        int rows = x.size(0);
        Tensor out = Tensor.empty(x.dtype(), x.sizes()),
                mean = Tensor.empty(x.dtype(), rows),
                rstd = Tensor.empty(x.dtype(), rows);
        CpuLayerNorm.layerNorm(x, w, b, eps, out, mean, rstd, scalar);
        return new Run(out, mean, rstd);
    }

    // Vector and twin sum the row in different orders (D terms): the mean and variance differ by a
    // few ulp, which the normalised output (|y| up to ~4 for Gaussian rows) carries as about 1e-6.
    @Test
    void vectorMatchesScalarTwinAndDoubleReference() {
        long seed = 31;
        for (int d : SIZES) {
            if (d == 0) continue;
            for (int rows : new int[] {1, 3, 17}) {
                Tensor x = randn(seed++, rows, d).mul(2.0).add(0.5);
                Tensor w = randn(seed++, d), b = randn(seed++, d);
                Tensor wide = randn(seed++, rows, d + 5).narrow(1, 2, d); // strided rows
                Tensor transposed = randn(seed++, d, rows).mT(); // strided elements
                for (Tensor in : new Tensor[] {x, wide, transposed}) {
                    for (boolean affine : new boolean[] {false, true}) {
                        Tensor ww = affine ? w : null, bb = affine ? b : null;
                        String what = in.shape() + " strides " + java.util.Arrays.toString(in.strides())
                                + (affine ? " affine" : "");
                        Run vec = run(in, ww, bb, 1e-5, false), twin = run(in, ww, bb, 1e-5, true);
                        Run ref = run(
                                in.to(DType.F64),
                                affine ? w.to(DType.F64) : null,
                                affine ? b.to(DType.F64) : null,
                                1e-5,
                                true);
                        for (Run r : new Run[] {vec, twin}) {
                            assertClose("out " + what, ref.out, r.out, 4e-6, 2e-6);
                            assertClose("mean " + what, ref.mean, r.mean, 1e-6, 1e-6);
                            assertClose("rstd " + what, ref.rstd, r.rstd, 0, 2e-6);
                        }
                        assertClose("vector vs twin " + what, twin.out, vec.out, 4e-6, 2e-6);
                    }
                }
            }
        }
    }

    @Test
    void knownValues() {
        // x = [1, 2, 3, 4]: mean 2.5, biased var 1.25
        LayerNormResult r = Normalization.layerNorm(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4), null, null, 0);
        double s = 1 / Math.sqrt(1.25);
        assertClose("out", Tensor.of(new double[] {-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s}, 1, 4), r.out(), 1e-7, 1e-6);
        assertEquals(2.5, r.mean().getDouble(0), 0);
        assertEquals(s, r.rstd().getDouble(0), 1e-6);
        Tensor w = Tensor.of(new float[] {2, 2, 2, 2}), b = Tensor.of(new float[] {1, 1, 1, 1});
        Tensor y = Tensor.of(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, 2, 4).layerNorm(w, b, 1e-5);
        assertArrayEquals(new int[] {2, 4}, y.sizes());
        assertEquals(1.0, y.getDouble(1, 2), 0, "constant row: out = bias");
        assertEquals(1 + 2 * 1.5 * 1 / Math.sqrt(1.25 + 1e-5), y.getDouble(0, 3), 1e-5);
    }

    @Test
    void batchedInputAndOptionalStats() {
        Tensor x = randn(41, 2, 3, 33);
        LayerNormResult r = Normalization.layerNorm(x, null, null, 1e-6);
        assertArrayEquals(new int[] {6}, r.mean().sizes());
        Tensor flat = x.reshape(6, 33);
        Tensor out = Tensor.empty(DType.F32, 6, 33);
        CpuLayerNorm.layerNorm(flat, null, null, 1e-6, out, null, null, KernelMode.SCALAR);
        assertClose("no stats", r.out().reshape(6, 33), out, 0, 0);
    }
}
