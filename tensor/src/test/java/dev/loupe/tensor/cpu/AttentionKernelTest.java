package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.ScaledDotProductAttention;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused attention kernels (vector, scalar twin, F64) against the composite
 * softmax(scale q k^T + mask) v and its closed-form backward, computed with separate tensor ops in F64.
 *
 * <p>Tolerances for F32 kernels against the F64 composite: a score is a D-term float dot product
 * (D <= 64, |q|, |k| ~ 1) with error a few 1e-7 relative to its scale; exp carries it into P as a
 * relative error, and out is a convex combination of v rows (|v| ~ 1), so out errs by ~1e-6. The
 * gradients add a sum over up to 100 keys or queries of terms ~1e-2..1, about 1e-5 of their scale at
 * worst. Hence 2e-5 absolute + 2e-5 relative for out and logsumexp, 5e-5 + 5e-5 for gradients.
 * The F64 kernel sums in a different order from the composite only: 1e-11.
 */
class AttentionKernelTest {
    private static final double FWD = 2e-5, BWD = 5e-5, F64 = 1e-11;

    /** One problem: inputs (B, H, Tq, D) etc. and options. */
    private record Case(Tensor q, Tensor k, Tensor v, Tensor gradOut, boolean causal, Tensor mask, double scale) {
        String name() {
            return "q " + q.shape() + " k " + k.shape() + " v " + v.shape() + (causal ? " causal" : "")
                    + (mask != null ? " padded" : "") + (q.isContiguous() ? "" : " strided");
        }
    }

    private record Outputs(Tensor out, Tensor lse, Tensor dq, Tensor dk, Tensor dv) {}

    private static Tensor mask(long seed, int b, int tk) {
        Rng rng = new Rng(seed);
        byte[] m = new byte[b * tk];
        for (int i = 0; i < m.length; i++) m[i] = (byte) (rng.nextDouble() < 0.3 ? 1 : 0);
        for (int i = 0; i < b && tk > 0; i++) m[i * tk] = 0; // key 0 visible, so no query row sees nothing
        return Tensor.view(CpuStorage.ofBool(m), new int[] {b, tk}, new int[] {tk, 1}, 0);
    }

    /** q, k, v selected out of one permuted (B, T, 3, H, D) projection, as Attention makes them. */
    private static Tensor[] fromProjection(long seed, int b, int h, int t, int d) {
        Tensor qkv = randn(seed, b, t, 3, h, d).permute(2, 0, 3, 1, 4);
        return new Tensor[] {qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)};
    }

    /** The composite definition in F64: scores, masked to -inf, softmax, times v; backward in closed form. */
    private static Outputs reference(Case c) {
        Tensor q = c.q().to(DType.F64),
                k = c.k().to(DType.F64),
                v = c.v().to(DType.F64),
                g = c.gradOut().to(DType.F64);
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2);
        Tensor s = q.matmul(k.mT()).mul(c.scale()); // (B, H, Tq, Tk)
        Tensor hidden = Tensor.zeros(DType.F64, b, 1, tq, tk);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    boolean off = (c.causal() && j > i)
                            || (c.mask() != null && c.mask().getDouble(bi, j) != 0);
                    if (off) hidden.setDouble(1, bi, 0, i, j);
                }
            }
        }
        s = Tensor.where(hidden.gt(0.5).expand(b, h, tq, tk), Tensor.full(DType.F64, Double.NEGATIVE_INFINITY, 1), s);
        Tensor p = s.softmax(-1);
        Tensor max = s.max(true, -1);
        Tensor lse = s.sub(max).exp().sum(true, -1).log().add(max).squeeze(-1);
        Tensor out = p.matmul(v);
        Tensor dp = g.matmul(v.mT());
        Tensor ds = p.mul(dp.sub(dp.mul(p).sum(true, -1))).mul(c.scale());
        return new Outputs(out, lse, ds.matmul(k), ds.mT().matmul(q), p.mT().matmul(g));
    }

    private static Outputs run(Case c, boolean scalar, int blockQ, int blockK) {
        Tensor q = c.q(), k = c.k(), v = c.v();
        int b = q.size(0), h = q.size(1), tq = q.size(2);
        Tensor out = Tensor.empty(q.dtype(), b, h, tq, v.size(3)), lse = Tensor.empty(q.dtype(), b, h, tq);
        CpuAttention.attention(q, k, v, c.scale(), c.causal(), c.mask(), out, lse, scalar);
        Tensor dq = Tensor.empty(q.dtype(), q.sizes()),
                dk = Tensor.empty(q.dtype(), k.sizes()),
                dv = Tensor.empty(q.dtype(), v.sizes());
        CpuAttentionBackward.attentionBackward(
                q, k, v, out, c.gradOut(), lse, c.scale(), c.causal(), c.mask(), dq, dk, dv, scalar, blockQ, blockK);
        return new Outputs(out, lse, dq, dk, dv);
    }

    private static void compare(String what, Outputs expected, Outputs actual, double fwd, double bwd) {
        assertClose(what + " out", expected.out(), actual.out(), fwd, fwd);
        assertClose(what + " logsumexp", expected.lse(), actual.lse(), fwd, fwd);
        assertClose(what + " dq", expected.dq(), actual.dq(), bwd, bwd);
        assertClose(what + " dk", expected.dk(), actual.dk(), bwd, bwd);
        assertClose(what + " dv", expected.dv(), actual.dv(), bwd, bwd);
    }

    private static void checkAll(Case c) {
        Outputs ref = reference(c);
        compare(c.name() + " twin", ref, run(c, true, 0, 0), FWD, BWD);
        // default tiles, and tiny tiles so that backward walks several key and query blocks and the
        // last ones are partial (block sizes round up to 4 query rows and one vector of keys)
        compare(
                c.name() + " vector",
                ref,
                run(c, false, CpuAttentionBackward.BLOCK_Q, CpuAttentionBackward.BLOCK_K),
                FWD,
                BWD);
        compare(c.name() + " vector 3x5 tiles", ref, run(c, false, 3, 5), FWD, BWD);
        compare(c.name() + " vector 8x16 tiles", ref, run(c, false, 8, 16), FWD, BWD);
        Case d = new Case(
                c.q().to(DType.F64),
                c.k().to(DType.F64),
                c.v().to(DType.F64),
                c.gradOut().to(DType.F64),
                c.causal(),
                c.mask(),
                c.scale());
        compare(c.name() + " F64", ref, run(d, false, 4, 4), F64, F64);
    }

    @Test
    void kernelsMatchCompositeAcrossSizesMasksAndLayouts() {
        long seed = 1;
        int[][] dims = {
            {1, 1, 1, 1, 1, 1},
            {2, 3, 17, 17, 16, 16},
            {1, 2, 33, 15, 3, 17},
            {2, 1, 50, 50, 64, 64},
            {1, 1, 100, 100, 33, 1},
            {1, 2, 3, 100, 15, 15},
            {1, 1, 16, 16, 17, 33},
            {2, 2, 50, 50, 24, 24},
            {1, 2, 37, 61, 40, 40},
            {1, 1, 197, 197, 72, 72},
            {1, 1, 66, 130, 64, 80}
        };
        for (int[] s : dims) {
            int b = s[0], h = s[1], tq = s[2], tk = s[3], d = s[4], dv = s[5];
            for (boolean causal : new boolean[] {false, true}) {
                for (boolean padded : new boolean[] {false, true}) {
                    Tensor q = randn(seed++, b, h, tq, d), k = randn(seed++, b, h, tk, d);
                    Tensor v = randn(seed++, b, h, tk, dv), g = randn(seed++, b, h, tq, dv);
                    Tensor m = padded ? mask(seed++, b, tk) : null;
                    checkAll(new Case(q, k, v, g, causal, m, Math.pow(d, -0.5)));
                }
            }
        }
    }

    @Test
    void stridedViewsOfAPermutedProjection() {
        for (int[] s : new int[][] {{2, 3, 50, 64}, {1, 2, 17, 5}, {3, 1, 7, 16}}) {
            Tensor[] qkv = fromProjection(40 + s[2], s[0], s[1], s[2], s[3]);
            Tensor g = randn(7, s[0], s[2], s[1], s[3]).transpose(1, 2); // gradient arriving through a transpose
            Tensor m = mask(9, s[0], s[2]);
            assertTrue(!qkv[0].isContiguous());
            checkAll(new Case(qkv[0], qkv[1], qkv[2], g, false, null, Math.pow(s[3], -0.5)));
            checkAll(new Case(qkv[0], qkv[1], qkv[2], g, true, m, 0.3));
        }
    }

    @Test
    void softmaxNumeratorsAndTheirSumMatchExpAndTheLaneTree() {
        // expShiftedSum sums its lanes with register shuffles; the bits must be those of exp and of
        // Lanes.sum's halving tree, so that they do not depend on the JIT tier
        jdk.incubator.vector.VectorSpecies<Float> species = AttentionTiles.SPECIES;
        int l = species.length(), n = 5 * l;
        Rng rng = new Rng(11);
        float[] a = new float[n + 3], b = new float[n + 3];
        for (int i = 0; i < a.length; i++) a[i] = b[i] = (float) (rng.nextDouble() * 60 - 40);
        a[7] = b[7] = Float.NEGATIVE_INFINITY;
        float shift = 2.5f;
        float sum = VectorMath.expShiftedSum(a, 3, n, shift, n);
        for (int i = 3; i < n + 3; i++) b[i] -= shift;
        VectorMath.expInPlace(b, 3, n);
        jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(species);
        for (int i = 0; i < n; i += l) acc = acc.add(jdk.incubator.vector.FloatVector.fromArray(species, b, 3 + i));
        assertEquals(Float.floatToRawIntBits(Lanes.sum(acc)), Float.floatToRawIntBits(sum));
        for (int i = 0; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "at " + i);
    }

    @Test
    void hiddenEntriesSkipTheirExponentialButKeepItsBits() {
        // expShiftedSum writes +0 from lim on instead of computing exp(-inf): the entries
        // and the sum must have the bits of the full computation over -inf there
        jdk.incubator.vector.VectorSpecies<Float> species = AttentionTiles.SPECIES;
        int l = species.length(), n = 4 * l;
        Rng rng = new Rng(13);
        for (int lim : new int[] {1, l - 3, l, 2 * l + 5, n - 1, n}) {
            float[] hidden = new float[n + 2], limited = new float[n + 2];
            for (int i = 0; i < hidden.length; i++) hidden[i] = limited[i] = (float) (rng.nextDouble() * 60 - 40);
            for (int i = lim; i < n; i++) hidden[2 + i] = Float.NEGATIVE_INFINITY;
            float expected = VectorMath.expShiftedSum(hidden, 2, n, 3.5f, n);
            float actual = VectorMath.expShiftedSum(limited, 2, n, 3.5f, lim);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "sum, lim " + lim);
            for (int i = 0; i < hidden.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(hidden[i]),
                        Float.floatToRawIntBits(limited[i]),
                        "lim " + lim + " at " + i);
            }
        }
    }

    @Test
    void fourRowSoftmaxHasTheBitsOfRowByRow() {
        // softmaxRows interleaves four rows' passes; each row must keep softmaxRow's bits, the
        // logsumexp included, for a partial last vector, masked keys and a row whose keys are all masked
        int l = AttentionTiles.SPECIES.length();
        Rng rng = new Rng(12);
        for (int lim : new int[] {1, l - 3, 3 * l + 2, 4 * l}) {
            int n = CpuAttention.roundUp(lim, l);
            float[] bias = new float[n];
            java.util.Arrays.fill(bias, lim, n, Float.NEGATIVE_INFINITY);
            if (lim > 2) bias[1] = Float.NEGATIVE_INFINITY; // a masked key inside the row
            for (int allMasked = -1; allMasked < 4; allMasked++) {
                float[] x = new float[4 * n];
                for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 200 - 100);
                float[] rowBias = bias.clone(), fourBias = bias.clone();
                float[] expected = x.clone(), invExpected = new float[4], lseExpected = new float[4];
                float[] actual = x.clone(), inv = new float[4], lse = new float[5];
                for (int r = 0; r < 4; r++) {
                    // an all-masked row: every visible score -inf before scaling
                    if (r == allMasked)
                        for (int j = 0; j < n; j++) expected[r * n + j] = actual[r * n + j] = Float.NEGATIVE_INFINITY;
                    lseExpected[r] = CpuAttention.softmaxRow(expected, r * n, n, lim, 0.3f, rowBias, invExpected, r);
                }
                CpuAttention.softmaxRows(actual, n, lim, 0.3f, fourBias, inv, lse, 1);
                String what = "lim " + lim + " all-masked row " + allMasked;
                for (int i = 0; i < x.length; i++)
                    assertEquals(
                            Float.floatToRawIntBits(expected[i]),
                            Float.floatToRawIntBits(actual[i]),
                            what + " at " + i);
                for (int r = 0; r < 4; r++) {
                    assertEquals(
                            Float.floatToRawIntBits(invExpected[r]),
                            Float.floatToRawIntBits(inv[r]),
                            what + " inv " + r);
                    assertEquals(
                            Float.floatToRawIntBits(lseExpected[r]),
                            Float.floatToRawIntBits(lse[1 + r]),
                            what + " lse " + r);
                }
            }
        }
    }

    @Test
    void expArgumentClampIsMaxThenMin() {
        // the compare-and-blend clamp must give the bits of Java's max and min, NaN and signed zeros included
        float[] xs = {
            Float.NaN,
            Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY,
            -0f,
            0f,
            -104f,
            -104.0001f,
            88.8f,
            88.80001f,
            -1e30f,
            1e30f,
            3.5f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.intBitsToFloat(0x7fc00001)
        };
        jdk.incubator.vector.VectorSpecies<Float> species = AttentionTiles.SPECIES;
        int l = species.length();
        float[] padded = new float[CpuAttention.roundUp(xs.length, l)];
        System.arraycopy(xs, 0, padded, 0, xs.length);
        for (int i = 0; i < padded.length; i += l) {
            var x = jdk.incubator.vector.FloatVector.fromArray(species, padded, i);
            float[] actual = VectorMath.clampExpArgument(x).toArray();
            float[] expected = x.max(VectorMath.EXP_MIN).min(VectorMath.EXP_MAX).toArray();
            for (int j = 0; j < l; j++)
                assertEquals(
                        Float.floatToRawIntBits(expected[j]),
                        Float.floatToRawIntBits(actual[j]),
                        "x = " + padded[i + j]);
        }
    }

    @Test
    void aQueryThatSeesNoKeyGivesZerosNotNaN() {
        // batch 0 ignores every key; in batch 1, causal row 0 sees only key 0, which is ignored
        Tensor q = randn(3, 2, 1, 5, 4), k = randn(4, 2, 1, 5, 4), v = randn(5, 2, 1, 5, 4), g = randn(6, 2, 1, 5, 4);
        byte[] bits = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        Tensor m = Tensor.view(CpuStorage.ofBool(bits), new int[] {2, 5}, new int[] {5, 1}, 0);
        for (boolean scalar : new boolean[] {false, true}) {
            for (Tensor[] in :
                    new Tensor[][] {{q, k, v, g}, {q.to(DType.F64), k.to(DType.F64), v.to(DType.F64), g.to(DType.F64)}
                    }) {
                Outputs o = run(new Case(in[0], in[1], in[2], in[3], true, m, 0.5), scalar, 2, 2);
                for (Tensor t : new Tensor[] {
                    o.out().select(0, 0), o.out().select(0, 1).narrow(1, 0, 1), o.dq().select(0, 0),
                    o.dq().select(0, 1).narrow(1, 0, 1), o.dk().select(0, 0), o.dv().select(0, 0)
                }) {
                    for (double x : t.toDoubleArray()) assertEquals(0.0, x, "scalar=" + scalar + " " + in[0].dtype());
                }
                assertEquals(Double.NEGATIVE_INFINITY, o.lse().getDouble(0, 0, 3));
                assertEquals(Double.NEGATIVE_INFINITY, o.lse().getDouble(1, 0, 0));
                for (double x : o.dk().toDoubleArray()) assertTrue(Double.isFinite(x));
                for (double x : o.out().select(0, 1).narrow(1, 1, 4).toDoubleArray()) assertTrue(Double.isFinite(x));
            }
        }
    }

    @Test
    void emptyTokensAndHeadDims() {
        for (int[] s : new int[][] {{0, 4}, {4, 0}, {0, 0}}) {
            Tensor q = randn(1, 2, 2, s[0], 3),
                    k = randn(2, 2, 2, s[1], 3),
                    v = randn(3, 2, 2, s[1], 3),
                    g = randn(4, 2, 2, s[0], 3);
            for (boolean scalar : new boolean[] {false, true}) {
                Outputs o = run(new Case(q, k, v, g, false, null, 1), scalar, 4, 4);
                for (double x : o.out().toDoubleArray()) assertEquals(0.0, x);
                for (double x : o.dk().toDoubleArray()) assertEquals(0.0, x);
                for (double x : o.dq().toDoubleArray()) assertEquals(0.0, x);
            }
        }
        // D = 0: every score is 0, so out is the mean of v
        Tensor q = Tensor.empty(DType.F32, 1, 1, 3, 0),
                k = Tensor.empty(DType.F32, 1, 1, 4, 0),
                v = randn(5, 1, 1, 4, 2);
        checkAll(new Case(q, k, v, randn(6, 1, 1, 3, 2), false, null, 1));
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        for (int t : new int[] {50, 197}) {
            Tensor[] qkv = fromProjection(77 + t, 4, 3, t, 64);
            Tensor g = randn(78, 4, 3, t, 64);
            for (boolean causal : new boolean[] {false, true}) {
                Case c = new Case(qkv[0], qkv[1], qkv[2], g, causal, causal ? mask(79, 4, t) : null, 0.125);
                int threads = Parallel.threads();
                try {
                    Parallel.setThreads(1);
                    Outputs one = run(c, false, 16, 16);
                    Parallel.setThreads(3);
                    Outputs three = run(c, false, 16, 16);
                    String what = "T " + t + (causal ? " causal " : " ");
                    assertSameBits(what + "out", one.out(), three.out());
                    assertSameBits(what + "lse", one.lse(), three.lse());
                    assertSameBits(what + "dq", one.dq(), three.dq());
                    assertSameBits(what + "dk", one.dk(), three.dk());
                    assertSameBits(what + "dv", one.dv(), three.dv());
                } finally {
                    Parallel.setThreads(threads);
                }
            }
        }
    }

    @Test
    void frontEndAllocatesHeadsLastAndNamesShapesInErrors() {
        Tensor[] qkv = fromProjection(90, 2, 3, 10, 8);
        ScaledDotProductAttention.Result r =
                ScaledDotProductAttention.forward(qkv[0], qkv[1], qkv[2], 0.5, false, null);
        assertTrue(r.out().transpose(1, 2).isContiguous(), "out is (B, T, H, D) in memory");
        Tensor g = randn(91, 2, 3, 10, 8);
        ScaledDotProductAttention.Grads gr =
                ScaledDotProductAttention.backward(qkv[0], qkv[1], qkv[2], r.out(), g, r.logsumexp(), 0.5, false, null);
        Outputs ref = reference(new Case(qkv[0], qkv[1], qkv[2], g, false, null, 0.5));
        compare("front end", ref, new Outputs(r.out(), r.logsumexp(), gr.dq(), gr.dk(), gr.dv()), FWD, BWD);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ScaledDotProductAttention.forward(
                        randn(1, 2, 3, 4, 8), randn(1, 2, 3, 5, 7), randn(1, 2, 3, 5, 7), 1, false, null));
        assertTrue(
                e.getMessage().contains("attention")
                        && e.getMessage().contains("(2, 3, 4, 8)")
                        && e.getMessage().contains("(2, 3, 5, 7)"),
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ScaledDotProductAttention.forward(qkv[0], qkv[1], qkv[2], 1, false, mask(1, 2, 9)));
        assertTrue(e.getMessage().contains("key padding mask") && e.getMessage().contains("(2, 9)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ScaledDotProductAttention.backward(
                        qkv[0], qkv[1], qkv[2], r.out(), randn(1, 2, 3, 10, 7), r.logsumexp(), 0.5, false, null));
        assertTrue(e.getMessage().contains("gradOut") && e.getMessage().contains("(2, 3, 10, 7)"), e.getMessage());
    }
}
