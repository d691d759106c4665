package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gemm against its scalar twin. Both accumulate every C element over k in increasing order with one
 * fma per step, so they must agree bitwise (assertArrayEquals on float[] compares bit patterns up
 * to NaN payloads), whatever the blocking, edges, transposition or thread count.
 */
class GemmTest {
    private static final int DEFAULT_THREADS = Parallel.threads();
    private static final int[] MS = {0, 1, 3, 12, 13, 17, 33, 100};
    private static final int[] NS = {0, 1, 15, 16, 17, 33, 65, 100};
    private static final int[] KS = {0, 1, 3, 17, 100};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    /** One problem laid out inside larger arrays: random offsets and padded leading dims. */
    private record Problem(
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc) {
        static Problem random(Rng rng, boolean ta, boolean tb, int m, int n, int k) {
            int lda = (ta ? m : k) + rng.nextInt(3), ldb = (tb ? k : n) + rng.nextInt(3), ldc = n + rng.nextInt(3);
            int aOff = rng.nextInt(5), bOff = rng.nextInt(5), cOff = rng.nextInt(5);
            float[] a = fill(rng, aOff + (ta ? k : m) * lda + 3);
            float[] b = fill(rng, bOff + (tb ? n : k) * ldb + 3);
            float[] c = fill(rng, cOff + m * ldc + 3);
            return new Problem(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] runVector(boolean accumulate) {
            float[] out = c.clone();
            Gemm.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate);
            return out;
        }

        /** Forces the A layout: packed, or read in place (rows of A, or columns of a transposed A); see Gemm.readsAInPlace. */
        float[] runVector(boolean accumulate, boolean aInPlace) {
            float[] out = c.clone();
            Gemm.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate, aInPlace);
            return out;
        }

        float[] runScalar(boolean accumulate) {
            float[] out = c.clone();
            GemmScalar.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc, accumulate);
            return out;
        }

        float a(int i, int p) {
            return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float b(int p, int j) {
            return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        String describe(boolean acc) {
            return "m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " accumulate=" + acc;
        }
    }

    /** Uniform values in [-1, 1), padding included, so stray reads or writes change results. */
    private static float[] fill(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rng.nextFloat() * 2 - 1;
        return x;
    }

    @Test
    void matchesScalarTwinBitwiseOnOddShapesAllTranspositionsAndAccumulate() {
        Rng rng = new Rng(1);
        for (int m : MS) {
            for (int n : NS) {
                for (int k : KS) {
                    for (int variant = 0; variant < 8; variant++) {
                        boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0, acc = (variant & 4) != 0;
                        Problem p = Problem.random(rng, ta, tb, m, n, k);
                        float[] want = p.runScalar(acc);
                        assertArrayEquals(want, p.runVector(acc), p.describe(acc));
                        assertArrayEquals(want, p.runVector(acc, false), p.describe(acc) + " A packed");
                        assertArrayEquals(want, p.runVector(acc, true), p.describe(acc) + " A in place");
                    }
                }
            }
        }
    }

    @Test
    void matchesScalarTwinWhenKSpansSeveralBlocksAndMNSpanSeveralBlocks() {
        Rng rng = new Rng(2);
        int[][] shapes = {
            {5, 7, Gemm.KC + 1}, {37, 70, 3 * Gemm.KC + 5}, {Gemm.MC + 13, 2 * Gemm.NR + 3, 40},
            {3 * Gemm.MC + 1, 50, 300}, {7, Gemm.NC + 17, 9}, {50, 50, 64},
            {29, 530, 300}, {25, 8 * Gemm.NR + 1, 20}, {13, Gemm.B_BLOCK_FLOATS / 4000 + 50, 4000},
            // deep K blocks shrink the M blocks (A_BLOCK_FLOATS): several of them, a partial last one
            {Gemm.A_BLOCK_FLOATS / Gemm.KC * 2 + 5, 40, 2 * Gemm.KC - 3}
        };
        for (int[] s : shapes) {
            for (int variant = 0; variant < 8; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0, acc = (variant & 4) != 0;
                Problem p = Problem.random(rng, ta, tb, s[0], s[1], s[2]);
                float[] want = p.runScalar(acc);
                assertArrayEquals(want, p.runVector(acc), p.describe(acc));
                assertArrayEquals(want, p.runVector(acc, false), p.describe(acc) + " A packed");
                assertArrayEquals(want, p.runVector(acc, true), p.describe(acc) + " A in place");
            }
        }
    }

    @Test
    void scalarTwinAgreesWithAnIndependentDoubleReference() {
        // Guards against a shared misreading of the layouts: float fma chains versus an exact-ish
        // double sum differ by at most k roundings of size eps * sum |a||b| (plus one for the start).
        Rng rng = new Rng(3);
        for (int variant = 0; variant < 8; variant++) {
            boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0, acc = (variant & 4) != 0;
            Problem p = Problem.random(rng, ta, tb, 19, 23, 29);
            float[] got = p.runScalar(acc);
            for (int i = 0; i < p.m(); i++) {
                for (int j = 0; j < p.n(); j++) {
                    double start = acc ? p.c()[p.cOff() + i * p.ldc() + j] : 0, s = start, mag = Math.abs(start);
                    for (int q = 0; q < p.k(); q++) {
                        s += (double) p.a(i, q) * p.b(q, j);
                        mag += Math.abs((double) p.a(i, q) * p.b(q, j));
                    }
                    double tol = (p.k() + 1) * Math.ulp(1f) * mag;
                    assertEquals(s, got[p.cOff() + i * p.ldc() + j], tol, p.describe(acc) + " at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void biasStartMatchesScalarTwinBitwiseForEveryLayoutAndThreadCount() {
        // gemmBias starts each element's fma chain from its bias: the twin fills C with the bias and accumulates.
        Rng rng = new Rng(8);
        int[][] shapes = {
            {1, 1, 1}, {13, 17, 3}, {12, 32, 0}, {37, 70, Gemm.KC + 5}, {29, 530, 300}, {Gemm.MC + 13, 33, 40}
        };
        for (int[] s : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                Problem p = Problem.random(rng, (variant & 1) != 0, (variant & 2) != 0, s[0], s[1], s[2]);
                float[] bias = fill(rng, s[1] + 3);
                float[] want = p.c().clone();
                GemmScalar.gemmBias(
                        p.ta(), p.tb(), p.m(), p.n(), p.k(), p.a(), p.aOff(), p.lda(), p.b(), p.bOff(), p.ldb(), want,
                        p.cOff(), p.ldc(), bias, 2);
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    float[] got = p.c().clone();
                    Gemm.gemmBias(
                            p.ta(), p.tb(), p.m(), p.n(), p.k(), p.a(), p.aOff(), p.lda(), p.b(), p.bOff(), p.ldb(),
                            got, p.cOff(), p.ldc(), bias, 2);
                    assertArrayEquals(want, got, p.describe(false) + " bias, threads=" + threads);
                }
            }
        }
        var ex = assertThrows(
                IndexOutOfBoundsException.class,
                () -> Gemm.gemmBias(
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
                        new float[3],
                        0));
        assertTrue(ex.getMessage().contains("bias of 4"), ex.getMessage());
    }

    @Test
    void leavesEverythingOutsideTheOutputUntouched() {
        Problem p = Problem.random(new Rng(4), false, false, 13, 17, 9);
        float[] before = p.c(), after = p.runVector(false);
        for (int idx = 0; idx < before.length; idx++) {
            int rel = idx - p.cOff();
            boolean inside = rel >= 0 && rel / p.ldc() < p.m() && rel % p.ldc() < p.n();
            if (!inside)
                assertEquals(Float.floatToIntBits(before[idx]), Float.floatToIntBits(after[idx]), "element " + idx);
        }
    }

    @Test
    void zeroKClearsOrKeepsTheOutput() {
        Problem p = Problem.random(new Rng(5), false, false, 4, 5, 0);
        float[] cleared = p.runVector(false), kept = p.runVector(true);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                int idx = p.cOff() + i * p.ldc() + j;
                assertEquals(0f, cleared[idx]);
                assertEquals(p.c()[idx], kept[idx]);
            }
        }
    }

    @Test
    void resultsAreBitwiseIdenticalForOneAndTwoThreads() {
        Rng rng = new Rng(6);
        int[][] shapes = {{300, 200, 300}, {20, 700, 260}, {513, 65, 64}, {5, 700, 400}};
        for (int[] s : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                Problem p = Problem.random(rng, (variant & 1) != 0, (variant & 2) != 0, s[0], s[1], s[2]);
                for (boolean inPlace : new boolean[] {false, true}) {
                    Parallel.setThreads(1);
                    float[] one = p.runVector(false, inPlace);
                    Parallel.setThreads(2);
                    float[] two = p.runVector(false, inPlace);
                    assertArrayEquals(one, two, p.describe(false) + " A in place " + inPlace);
                    assertArrayEquals(p.runScalar(false), two, p.describe(false) + " A in place " + inPlace);
                }
            }
        }
    }

    @Test
    void batchedMatchesOneCallPerEntryIncludingRepeatedOperandOffsets() {
        Rng rng = new Rng(7);
        int m = 17, n = 33, k = 40, batch = 6;
        float[] a = fill(rng, 3 * m * k), b = fill(rng, k * n);
        int[] aOffs = new int[batch], bOffs = new int[batch], cOffs = new int[batch];
        for (int e = 0; e < batch; e++) {
            aOffs[e] = (e % 3) * m * k;
            bOffs[e] = 0; // one B shared by every entry, as a broadcast batch dim gives
            cOffs[e] = e * m * n;
        }
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            float[] got = new float[batch * m * n], want = new float[batch * m * n];
            Gemm.gemmBatched(batch, false, true, m, n, k, a, aOffs, k, b, bOffs, k, got, cOffs, n, false);
            for (int e = 0; e < batch; e++) {
                GemmScalar.gemm(false, true, m, n, k, a, aOffs[e], k, b, bOffs[e], k, want, cOffs[e], n, false);
            }
            assertArrayEquals(want, got, "threads=" + threads);
        }
    }

    @Test
    void rejectsOperandsThatDoNotFitTheirArrays() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        var ex = assertThrows(
                IndexOutOfBoundsException.class,
                () -> Gemm.gemm(false, false, 2, 2, 4, a, 0, 4, b, 0, 2, c, 0, 2, false));
        assertTrue(ex.getMessage().contains("A (2, 4)"), ex.getMessage());
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> GemmScalar.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 1, false));
    }
}
