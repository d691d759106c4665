package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Normalization.LayerNormResult;
import dev.loupe.tensor.Parallel;
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

    // ViT-sized rows (D = 192, 12 AVX-512 vectors) and widths that leave a masked tail after several
    // full vectors, with partial affine (weight only, bias only) and strided rows.
    @Test
    void vectorMatchesTwinOnVitAndOddWidths() {
        long seed = 71;
        for (int d : new int[] {192, 200, 47, 768}) {
            for (int rows : new int[] {1, 5, 300}) {
                Tensor x = randn(seed++, rows, d).mul(3.0).add(-1.0);
                Tensor wide = randn(seed++, rows, d + 3).narrow(1, 1, d);
                Tensor w = randn(seed++, d), b = randn(seed++, d);
                for (Tensor in : new Tensor[] {x, wide}) {
                    for (Tensor[] wb : new Tensor[][] {{null, null}, {w, null}, {null, b}, {w, b}}) {
                        String what = in.shape() + " strides " + java.util.Arrays.toString(in.strides())
                                + (wb[0] == null ? "" : " weight") + (wb[1] == null ? "" : " bias");
                        Run vec = run(in, wb[0], wb[1], 1e-6, false), twin = run(in, wb[0], wb[1], 1e-6, true);
                        assertClose("out vector vs twin " + what, twin.out, vec.out, 4e-6, 2e-6);
                        assertClose("mean vector vs twin " + what, twin.mean, vec.mean, 1e-6, 1e-6);
                        assertClose("rstd vector vs twin " + what, twin.rstd, vec.rstd, 0, 2e-6);
                    }
                }
            }
        }
    }

    @Test
    void sameBitsForAnyThreadCount() {
        Tensor w = randn(81, 192), b = randn(82, 192);
        Tensor[] inputs = {
            randn(83, 1000, 192), randn(84, 333, 37), randn(85, 64, 200 + 3).narrow(1, 0, 200)
        };
        int saved = Parallel.threads();
        try {
            for (Tensor x : inputs) {
                int d = x.size(1);
                Tensor ww = d == 192 ? w : null, bb = d == 192 ? b : null;
                for (boolean scalar : new boolean[] {false, true}) {
                    Parallel.setThreads(1);
                    Run one = run(x, ww, bb, 1e-5, scalar);
                    for (int threads : new int[] {2, 3, 7}) {
                        Parallel.setThreads(threads);
                        Run many = run(x, ww, bb, 1e-5, scalar);
                        String what = x.shape() + " " + threads + " threads" + (scalar ? " twin" : "");
                        assertSameBits("out " + what, one.out, many.out);
                        assertSameBits("mean " + what, one.mean, many.mean);
                        assertSameBits("rstd " + what, one.rstd, many.rstd);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void missingBiasKeepsTheSignOfZero() {
        // A row whose normalised value is -0 (x = mean, negative weight): the vector kernel stands
        // in -0 for the missing bias, and -0 + -0 stays -0, as in the twin, which adds nothing.
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3), w = Tensor.of(new float[] {-1, -1, -1});
        assertSameBits("out", run(x, w, null, 1e-5, true).out, run(x, w, null, 1e-5, false).out);
        assertEquals(
                Float.floatToRawIntBits(-0f),
                Float.floatToRawIntBits(run(x, w, null, 1e-5, false).out.toFloatArray()[1]));
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
