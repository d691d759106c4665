package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.LinearAlgebra;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A linear layer with its activation applied to each GEMM output block in cache ({@link FusedGemm#gemmBiasUnary},
 * {@link LinearAlgebra#linear(Tensor, Tensor, Tensor, UnaryOp, boolean)}) against the unfused path:
 * the bias-started GEMM, then the op's vector loop over the output. The arithmetic is the same, so
 * the bits must be, for every layout, edge and thread count; against the scalar twins (scalar GEMM,
 * op's double definition) the op's tolerance applies.
 */
class GemmEpilogueTest {
    private static final int DEFAULT_THREADS = Parallel.threads();
    private static final UnaryOp[] OPS = {UnaryOp.GELU, UnaryOp.RELU, UnaryOp.TANH, UnaryOp.SILU, UnaryOp.GELU_TANH};
    /** (m, n, k): odd edges, k = 0, several K blocks, several M blocks, a ViT fc1-like width. */
    private static final int[][] SHAPES = {
        {1, 1, 1},
        {13, 17, 3},
        {12, 32, 0},
        {37, 70, Gemm.KC + 5},
        {29, 530, 300},
        {Gemm.MC + 13, 33, 40},
        {50, 768, 24}
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
    void fusedEqualsGemmBiasThenTheOpBitwiseForEveryLayoutAndThreadCount() {
        Rng rng = new Rng(31);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + variant % 2;
                // scaled so the pre-activations spread over GELU's whole range
                float[] a = fill(rng, 2 + (ta ? k : m) * lda, 1f), b = fill(rng, 1 + (tb ? n : k) * ldb, 3f);
                float[] bias = fill(rng, n + 2, 2f), c0 = fill(rng, 3 + m * ldc + 2, 1f);
                for (UnaryOp op : OPS) {
                    float[] pre = c0.clone();
                    Gemm.gemmBias(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, pre, 3, ldc, bias, 2);
                    float[] want = c0.clone();
                    for (int i = 0; i < m; i++) UnaryLoops.map(op, pre, 3 + i * ldc, want, 3 + i * ldc, n);
                    String what = op + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
                    for (int threads = 1; threads <= 2; threads++) {
                        Parallel.setThreads(threads);
                        float[] gotPre = c0.clone(), gotOut = c0.clone(), inPlace = c0.clone();
                        FusedGemm.gemmBiasUnary(
                                ta, tb, m, n, k, a, 2, lda, b, 1, ldb, gotPre, 3, ldc, bias, 2, op, gotOut, 3);
                        FusedGemm.gemmBiasUnary(
                                ta, tb, m, n, k, a, 2, lda, b, 1, ldb, inPlace, 3, ldc, bias, 2, op, inPlace, 3);
                        assertArrayEquals(pre, gotPre, what + " pre, threads=" + threads);
                        assertArrayEquals(want, gotOut, what + " out, threads=" + threads);
                        assertArrayEquals(want, inPlace, what + " in place, threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void derivativeEqualsGemmThenUnaryBackwardBitwiseForEveryLayoutAndThreadCount() {
        Rng rng = new Rng(34);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + variant % 2;
                float[] a = fill(rng, 2 + (ta ? k : m) * lda, 1f), b = fill(rng, 1 + (tb ? n : k) * ldb, 1f);
                float[] x = fill(rng, 4 + m * ldc, 4f), c0 = fill(rng, 3 + m * ldc + 2, 1f);
                for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.SILU, UnaryOp.RELU}) {
                    float[] product = c0.clone(), want = c0.clone();
                    Gemm.gemm(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, product, 3, ldc, false);
                    for (int i = 0; i < m; i++)
                        UnaryBackwardLoops.map(op, x, 4 + i * ldc, product, 3 + i * ldc, want, 3 + i * ldc, n);
                    String what = op + "' m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
                    for (int threads = 1; threads <= 2; threads++) {
                        Parallel.setThreads(threads);
                        float[] got = c0.clone();
                        FusedGemm.gemmUnaryBackward(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, got, 3, ldc, op, x, 4);
                        assertArrayEquals(want, got, what + ", threads=" + threads);
                    }
                }
            }
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> FusedGemm.gemmUnaryBackward(
                        false,
                        false,
                        1,
                        1,
                        1,
                        new float[1],
                        0,
                        1,
                        new float[1],
                        0,
                        1,
                        new float[1],
                        0,
                        1,
                        UnaryOp.SQRT,
                        new float[1],
                        0));
    }

    @Test
    void fusedMatmulUnaryBackwardEqualsUnaryBackwardOfTheProduct() {
        Rng rng = new Rng(35);
        // g: (R, out), w: (out, hidden) as fc2 stores it, x: (R, hidden) the pre-activation; also g read transposed
        for (int[] s : new int[][] {{37, 20, 45}, {101, Gemm.KC + 9, 77}, {3, 5, 1}}) {
            Tensor g = rand(rng, 1f, s[0], s[1]), w = rand(rng, 1f, s[1], s[2]), x = rand(rng, 4f, s[0], s[2]);
            Tensor gt = rand(rng, 1f, s[1], s[0]).mT();
            for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.QUICK_GELU}) {
                for (Tensor a : new Tensor[] {g, gt}) {
                    String what = op + " " + a.shape() + (a.isContiguous() ? "" : " transposed") + " x " + w.shape();
                    Tensor want = dev.loupe.tensor.Fused.unaryBackward(op, x, a.matmul(w));
                    assertSameBits(what, want, dev.loupe.tensor.Fused.matmulUnaryBackward(op, a, w, x));
                    // the scalar twins: scalar GEMM, then the double derivative
                    float[] twin = new float[s[0] * s[2]], xs = x.toFloatArray();
                    GemmScalar.gemm(
                            false,
                            false,
                            s[0],
                            s[2],
                            s[1],
                            a.contiguous().toFloatArray(),
                            0,
                            s[1],
                            w.toFloatArray(),
                            0,
                            s[2],
                            twin,
                            0,
                            s[2],
                            false);
                    for (int i = 0; i < twin.length; i++) twin[i] *= UnaryDerivative.of(op, xs[i]);
                    // UnaryBackwardKernelTest's bounds
                    assertClose(what + " against the twin", Tensor.of(twin).reshape(s[0], s[2]), want, 2e-6, 2e-6);
                }
            }
        }
        Tensor gd = rand(rng, 1f, 6, 4).to(DType.F64), wd = rand(rng, 1f, 4, 5).to(DType.F64);
        Tensor xd = rand(rng, 2f, 6, 5).to(DType.F64);
        assertArrayEquals(
                dev.loupe.tensor.Fused.unaryBackward(UnaryOp.GELU, xd, gd.matmul(wd))
                        .toDoubleArray(),
                dev.loupe.tensor.Fused.matmulUnaryBackward(UnaryOp.GELU, gd, wd, xd)
                        .toDoubleArray(),
                "F64 composite");
        assertThrows(
                IllegalArgumentException.class,
                () -> dev.loupe.tensor.Fused.matmulUnaryBackward(UnaryOp.GELU, gd, wd, xd.reshape(5, 6)));
    }

    @Test
    void rejectsAnOutputThatDoesNotFit() {
        var ex = assertThrows(
                IndexOutOfBoundsException.class,
                () -> FusedGemm.gemmBiasUnary(
                        false,
                        false,
                        2,
                        4,
                        3,
                        new float[6],
                        0,
                        3,
                        new float[12],
                        0,
                        4,
                        new float[8],
                        0,
                        4,
                        new float[4],
                        0,
                        UnaryOp.GELU,
                        new float[7],
                        0));
        assertTrue(ex.getMessage().contains("O (2, 4)"), ex.getMessage());
    }

    private static Tensor rand(Rng rng, float scale, int... shape) {
        int size = 1;
        for (int d : shape) size *= d;
        return Tensor.of(fill(rng, size, scale)).reshape(shape);
    }

    @Test
    void linearWithActivationEqualsLinearThenApplyAndKeepsThePreActivationOnlyWhenAsked() {
        Rng rng = new Rng(32);
        for (int[] s : new int[][] {{37, 45, 20}, {101, 77, Gemm.KC + 9}, {3, 1, 5}}) {
            Tensor x = rand(rng, 1f, s[0], s[2]), w = rand(rng, 3f / (float) Math.sqrt(s[2]), s[1], s[2]);
            Tensor bias = rand(rng, 1f, s[1]);
            for (UnaryOp op : OPS) {
                Tensor pre = LinearAlgebra.linear(x, w, bias), want = pre.apply(op);
                String what = op + " " + x.shape() + " -> " + pre.shape();
                LinearAlgebra.Activated train = LinearAlgebra.linear(x, w, bias, op, true);
                LinearAlgebra.Activated infer = LinearAlgebra.linear(x, w, bias, op, false);
                assertSameBits(what + " pre", pre, train.pre());
                assertSameBits(what + " out", want, train.out());
                assertSameBits(what + " out, inference", want, infer.out());
                assertNull(infer.pre(), what);
                // the scalar twins: scalar GEMM, then op's own definition
                float[] twinPre = new float[s[0] * s[1]];
                GemmScalar.gemmBias(
                        false,
                        true,
                        s[0],
                        s[1],
                        s[2],
                        x.toFloatArray(),
                        0,
                        s[2],
                        w.toFloatArray(),
                        0,
                        s[2],
                        twinPre,
                        0,
                        s[1],
                        bias.toFloatArray(),
                        0);
                float[] twin = new float[twinPre.length];
                for (int i = 0; i < twin.length; i++) twin[i] = op.apply(twinPre[i]);
                assertArrayEquals(twinPre, train.pre().toFloatArray(), what + " pre against the scalar GEMM");
                // ElementwiseKernelTest's bounds for the transcendental ops
                assertClose(what + " against the twin", Tensor.of(twin).reshape(s[0], s[1]), train.out(), 3e-7, 2e-6);
            }
        }
    }

    @Test
    void withoutBiasOrInF64TheCompositeRuns() {
        Rng rng = new Rng(33);
        Tensor x = rand(rng, 1f, 9, 7), w = rand(rng, 1f, 5, 7), bias = rand(rng, 1f, 5);
        LinearAlgebra.Activated noBias = LinearAlgebra.linear(x, w, null, UnaryOp.GELU, true);
        assertSameBits("no bias pre", LinearAlgebra.linear(x, w, null), noBias.pre());
        assertSameBits("no bias out", LinearAlgebra.linear(x, w, null).gelu(), noBias.out());
        assertNull(LinearAlgebra.linear(x, w, null, UnaryOp.GELU, false).pre());
        Tensor xd = x.to(DType.F64), wd = w.to(DType.F64), bd = bias.to(DType.F64);
        LinearAlgebra.Activated f64 = LinearAlgebra.linear(xd, wd, bd, UnaryOp.GELU, true);
        assertArrayEquals(
                LinearAlgebra.linear(xd, wd, bd).toDoubleArray(), f64.pre().toDoubleArray(), "F64 pre");
        assertArrayEquals(
                LinearAlgebra.linear(xd, wd, bd).gelu().toDoubleArray(),
                f64.out().toDoubleArray(),
                "F64 out");
        assertEquals(
                DType.F64,
                LinearAlgebra.linear(xd, wd, bd, UnaryOp.GELU, false).out().dtype());
        var ex = assertThrows(
                IllegalArgumentException.class,
                () -> LinearAlgebra.linear(x, w, rand(rng, 1f, 4), UnaryOp.GELU, false));
        assertTrue(ex.getMessage().contains("does not fit weight"), ex.getMessage());
    }
}
