package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tensor.matmul through the CPU backend: strided views mapped onto Gemm, batch broadcasting, 1-D
 * operands, F64 and errors. F32 expectations come from {@link GemmScalar} on contiguous copies, which
 * the vector path matches bitwise (see GemmTest), so comparisons are exact.
 */
class MatmulTest {
    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    private static Tensor rand(Rng rng, int... shape) {
        return Tensor.rand(rng, shape).sub(0.5);
    }

    /** a: (M, K), b: (K, N), any layout -> expected (M, N) row-major from the scalar twin. */
    private static float[] expected(Tensor a, Tensor b) {
        int m = a.size(0), k = a.size(1), n = b.size(1);
        float[] out = new float[m * n];
        GemmScalar.gemm(false, false, m, n, k, a.toFloatArray(), 0, k, b.toFloatArray(), 0, n, out, 0, n, false);
        return out;
    }

    @Test
    void twoDimensionalProductsMatchTheScalarTwinForEveryLayout() {
        Rng rng = new Rng(11);
        int[][] shapes = {{1, 1, 1}, {3, 15, 16}, {17, 33, 100}, {100, 17, 3}, {64, 50, 50}, {13, 300, 21}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = rand(rng, m, k), b = rand(rng, k, n);
            Tensor aT = rand(rng, k, m).mT(), bT = rand(rng, n, k).mT();
            // Every other column of a wider matrix: neither stride is 1, so the backend copies.
            Tensor aS = rand(rng, m, 2 * k).slice(1, 0, 2 * k, 2),
                    bS = rand(rng, k, 2 * n).slice(1, 1, 2 * n, 2);
            Tensor[][] pairs = {{a, b}, {aT, b}, {a, bT}, {aT, bT}, {aS, b}, {a, bS}, {aS, bT}};
            for (Tensor[] pair : pairs) {
                Tensor out = pair[0].matmul(pair[1]);
                assertArrayEquals(new int[] {m, n}, out.sizes());
                assertArrayEquals(
                        expected(pair[0], pair[1]),
                        out.toFloatArray(),
                        "a strides " + java.util.Arrays.toString(pair[0].strides()) + " b strides "
                                + java.util.Arrays.toString(pair[1].strides()));
            }
        }
    }

    @Test
    void emptyDimensionsGiveEmptyOrZeroResults() {
        assertArrayEquals(
                new int[] {0, 4}, Tensor.zeros(0, 3).matmul(Tensor.zeros(3, 4)).sizes());
        Tensor zeroK = Tensor.ones(2, 0).matmul(Tensor.ones(0, 3));
        assertArrayEquals(new int[] {2, 3}, zeroK.sizes());
        assertArrayEquals(new float[6], zeroK.toFloatArray());
    }

    @Test
    void batchDimsBroadcastIncludingStrideZeroBatches() {
        Rng rng = new Rng(12);
        Tensor a = rand(rng, 2, 1, 5, 7),
                b = rand(rng, 3, 7, 33).transpose(1, 2).contiguous().transpose(1, 2);
        Tensor out = a.matmul(b); // (2, 1) x (3) -> (2, 3)
        assertArrayEquals(new int[] {2, 3, 5, 33}, out.sizes());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                float[] want = expected(a.select(0, i).select(0, 0), b.select(0, j));
                assertArrayEquals(want, out.select(0, i).select(0, j).toFloatArray(), "batch " + i + "," + j);
            }
        }
        Tensor shared = rand(rng, 7, 4);
        Tensor out2 = a.matmul(shared); // (2, 1, 5, 7) x (7, 4): b broadcast over every batch entry
        assertArrayEquals(new int[] {2, 1, 5, 4}, out2.sizes());
        assertArrayEquals(
                expected(a.select(0, 1).select(0, 0), shared),
                out2.select(0, 1).select(0, 0).toFloatArray());
    }

    @Test
    void oneDimensionalOperandsArePromotedAndSqueezed() {
        Rng rng = new Rng(13);
        Tensor v = rand(rng, 7), w = rand(rng, 7), mat = rand(rng, 7, 5), matL = rand(rng, 4, 7);
        Tensor vm = v.matmul(mat), mv = matL.matmul(w), vv = v.matmul(w);
        assertArrayEquals(new int[] {5}, vm.sizes());
        assertArrayEquals(new int[] {4}, mv.sizes());
        assertArrayEquals(new int[] {}, vv.sizes());
        assertArrayEquals(expected(v.reshape(1, 7), mat), vm.toFloatArray());
        assertArrayEquals(expected(matL, w.reshape(7, 1)), mv.toFloatArray());
        assertArrayEquals(expected(v.reshape(1, 7), w.reshape(7, 1)), vv.toFloatArray());
        Tensor batched = rand(rng, 3, 7, 2);
        assertArrayEquals(new int[] {3, 2}, v.matmul(batched).sizes());
    }

    @Test
    void doublePrecisionMatchesAPlainSum() {
        Rng rng = new Rng(14);
        Tensor a = rand(rng, 2, 6, 9).to(DType.F64),
                b = rand(rng, 9, 4).to(DType.F64).mT().contiguous().mT();
        Tensor out = a.matmul(b);
        assertEquals(DType.F64, out.dtype());
        for (int e = 0; e < 2; e++) {
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int p = 0; p < 9; p++) s += a.getDouble(e, i, p) * b.getDouble(p, j);
                    // Same summation order as the kernel: exact.
                    assertEquals(s, out.getDouble(e, i, j), 0.0);
                }
            }
        }
    }

    @Test
    void mismatchedShapesNameBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        var ex = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(ex.getMessage().contains("matmul"), ex.getMessage());
        assertTrue(
                ex.getMessage().contains(a.shape().toString())
                        && ex.getMessage().contains(b.shape().toString()),
                ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(DType.F64, 3, 4)));
    }

    @Test
    void resultsAreBitwiseIdenticalForOneAndTwoThreads() {
        Rng rng = new Rng(15);
        Tensor a = rand(rng, 4, 130, 96),
                b = rand(rng, 96, 150).mT().contiguous().mT();
        Tensor big = rand(rng, 300, 260), bigB = rand(rng, 260, 140);
        Parallel.setThreads(1);
        float[] one = a.matmul(b).toFloatArray(), oneBig = big.matmul(bigB).toFloatArray();
        Parallel.setThreads(2);
        assertArrayEquals(one, a.matmul(b).toFloatArray());
        assertArrayEquals(oneBig, big.matmul(bigB).toFloatArray());
    }

    @Test
    void linearStartsFromTheBiasAndMatchesItsTwinAndTheComposite() {
        Rng rng = new Rng(21);
        Tensor x = rand(rng, 37, 20), w = rand(rng, 45, 20), bias = rand(rng, 45);
        // F32: the bias-started GEMM, bitwise as the scalar twin (w is read transposed in place)
        float[] want = new float[37 * 45];
        GemmScalar.gemmBias(
                false,
                false,
                37,
                45,
                20,
                x.toFloatArray(),
                0,
                20,
                w.mT().contiguous().toFloatArray(),
                0,
                45,
                want,
                0,
                45,
                bias.toFloatArray(),
                0);
        Tensor got = dev.loupe.tensor.LinearAlgebra.linear(x, w, bias);
        assertArrayEquals(new int[] {37, 45}, got.sizes());
        assertArrayEquals(want, got.toFloatArray());
        // and the composite x w^T + b to within one rounding of each sum
        float[] composite = x.matmul(w.mT()).add(bias).toFloatArray();
        for (int i = 0; i < want.length; i++) assertEquals(composite[i], want[i], 1e-5, "element " + i);
        // F64 takes the composite path exactly
        Tensor xd = x.to(DType.F64), wd = w.to(DType.F64), bd = bias.to(DType.F64);
        assertArrayEquals(
                xd.matmul(wd.mT()).add(bd).toDoubleArray(),
                dev.loupe.tensor.LinearAlgebra.linear(xd, wd, bd).toDoubleArray());
        // no bias: a plain product
        assertArrayEquals(
                x.matmul(w.mT()).toFloatArray(),
                dev.loupe.tensor.LinearAlgebra.linear(x, w, null).toFloatArray());
        var ex = assertThrows(
                IllegalArgumentException.class, () -> dev.loupe.tensor.LinearAlgebra.linear(x, w, rand(rng, 44)));
        assertTrue(ex.getMessage().contains("bias F32 (44,) does not fit weight (45, 20)"), ex.getMessage());
        ex = assertThrows(
                IllegalArgumentException.class,
                () -> dev.loupe.tensor.LinearAlgebra.linear(x, rand(rng, 45, 21), bias));
        assertTrue(ex.getMessage().contains("do not fit"), ex.getMessage());
    }
}
