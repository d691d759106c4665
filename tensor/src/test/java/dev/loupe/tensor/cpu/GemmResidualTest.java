package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.LinearAlgebra;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A linear layer's output added to a residual stream in the GEMM's output pass ({@link FusedGemm#gemmBiasAdd},
 * {@link LinearAlgebra#linear(Tensor, Tensor, Tensor, Tensor)}) against the unfused path: the bias-started
 * GEMM, then one float add per element. The arithmetic is the same, so the bits must be, for every
 * layout, edge and thread count, and against the scalar twin (the scalar GEMM, then the add).
 */
class GemmResidualTest {
    private static final int DEFAULT_THREADS = Parallel.threads();
    /** (m, n, k): odd edges, k = 0, several K blocks, several M blocks, a ViT proj-like product. */
    private static final int[][] SHAPES = {
        {1, 1, 1},
        {13, 17, 3},
        {12, 32, 0},
        {37, 70, Gemm.KC + 5},
        {29, 530, 300},
        {Gemm.MC + 13, 33, 40},
        {50, 192, 64}
    };

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    private static float[] fill(Rng rng, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (rng.nextFloat() * 2 - 1) * scale;
        return x;
    }

    @Test
    void fusedEqualsGemmBiasThenTheAddBitwiseForEveryLayoutAndThreadCount() {
        Rng rng = new Rng(41);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + variant % 2;
                float[] a = fill(rng, 2 + (ta ? k : m) * lda, 1f), b = fill(rng, 1 + (tb ? n : k) * ldb, 1f);
                float[] bias = fill(rng, n + 2, 1f),
                        r = fill(rng, 5 + m * ldc, 4f),
                        c0 = fill(rng, 3 + m * ldc + 2, 1f);
                float[] want = c0.clone(), twin = c0.clone();
                Gemm.gemmBias(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, want, 3, ldc, bias, 2);
                GemmScalar.gemmBias(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, twin, 3, ldc, bias, 2);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        want[3 + i * ldc + j] = r[5 + i * ldc + j] + want[3 + i * ldc + j]; // residual + linear
                        twin[3 + i * ldc + j] += r[5 + i * ldc + j];
                    }
                }
                String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
                assertArrayEquals(want, twin, what + ": the scalar twin");
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] got = c0.clone();
                    FusedGemm.gemmBiasAdd(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, got, 3, ldc, bias, 2, r, 5);
                    assertArrayEquals(want, got, what + ", threads=" + threads);
                }
            }
        }
    }

    @Test
    void linearWithResidualEqualsResidualPlusLinearBitwise() {
        Rng rng = new Rng(42);
        // x: (R, in), w: (out, in) as a Linear stores it; with and without bias, and a transposed residual view
        for (int[] s : new int[][] {{50, 64, 192}, {7, 3, 5}, {130, 770, 24}}) {
            int rows = s[0], in = s[1], out = s[2];
            Tensor x = Tensor.of(fill(rng, rows * in, 1f)).reshape(rows, in);
            Tensor w = Tensor.of(fill(rng, out * in, 0.2f)).reshape(out, in);
            Tensor bias = Tensor.of(fill(rng, out, 1f));
            Tensor r = Tensor.of(fill(rng, rows * out, 3f)).reshape(rows, out);
            Tensor rT = Tensor.of(fill(rng, rows * out, 3f)).reshape(out, rows).mT();
            for (Tensor residual : new Tensor[] {r, rT}) {
                for (Tensor b : new Tensor[] {bias, null}) {
                    String what = "x " + x.shape() + " w " + w.shape() + (b == null ? " no bias" : "")
                            + (residual.isContiguous() ? "" : " transposed residual");
                    Tensor want = residual.add(LinearAlgebra.linear(x, w, b));
                    assertSameBits(what, want, LinearAlgebra.linear(x, w, b, residual));
                }
            }
        }
    }

    @Test
    void aResidualThatDoesNotFitTheOutputIsRefusedNamingItsShape() {
        Tensor x = Tensor.zeros(4, 3), w = Tensor.zeros(5, 3), bias = Tensor.zeros(5);
        var e = assertThrows(
                IllegalArgumentException.class, () -> LinearAlgebra.linear(x, w, bias, Tensor.zeros(4, 6)));
        assertTrue(e.getMessage().contains("(4, 6)") && e.getMessage().contains("(4, 5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.linear(x, w, bias, Tensor.zeros(20)));
    }
}
