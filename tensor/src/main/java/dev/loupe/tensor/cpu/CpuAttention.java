package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused scaled dot-product attention forward. One task is a whole head (b, h): K^T and V are packed
 * once, then query rows go four at a time through scores s (4, Tk) = q k^T (register tiles of 4 rows
 * by up to 64 keys, a broadcast-fma per element of q along 16 keys), a two-pass softmax over the full
 * key row (max, then exponentials and their sum), and o (4, Dv) = p v. Only the 4 x Tk score rows
 * live at a time (Tk = 197: 3 KB); what backward needs is the output and logsumexp = m + log l per
 * row (B H Tq floats), never a Tq x Tk tensor.
 *
 * <p>Padding keeps the register tiles whole: query rows are padded to a multiple of 4 with zero rows
 * (their outputs are dropped), keys to a multiple of the vector length with zero columns of K^T whose
 * bias is -inf (probability 0), and Dv to whole vectors. For ViT-Tiny (T = 50, hd = 64) a head is
 * 13 row groups of one 4 x 64 score tile and one 4 x 64 output tile; the packed head (K^T 16 KB, V
 * 13 KB, q 13 KB) stays in L1.
 *
 * <p>Tasks are heads, each writing its own rows of out and logsumexp with sums in a fixed order, so
 * results do not depend on the thread count. F64, and F32 under {@code -Dloupe.kernels=scalar}, run
 * the twin {@link AttentionScalar}.
 */
final class CpuAttention {
    /** Query rows per group: the rows of one register tile. */
    static final int ROWS = 4;

    private static final VectorSpecies<Float> SPECIES = AttentionTiles.SPECIES;
    private static final int L = SPECIES.length();

    private CpuAttention() {}

    static void attention(
            Tensor q, Tensor k, Tensor v, double scale, boolean causal, Tensor mask, Tensor out, Tensor lse) {
        attention(q, k, v, scale, causal, mask, out, lse, KernelMode.SCALAR);
    }

    // q: (B, H, Tq, D), k: (B, H, Tk, D), v: (B, H, Tk, Dv), mask: (B, Tk) BOOL or null,
    // out: (B, H, Tq, Dv), lse: (B, H, Tq) or null
    static void attention(
            Tensor q,
            Tensor k,
            Tensor v,
            double scale,
            boolean causal,
            Tensor mask,
            Tensor out,
            Tensor lse,
            boolean scalar) {
        boolean[] ignore = AttentionHeads.ignored(mask);
        if (scalar || q.dtype() == DType.F64) {
            AttentionScalar.forward(q, k, v, scale, causal, ignore, out, lse);
            return;
        }
        if (q.dtype() != DType.F32) throw new IllegalArgumentException("attention: needs F32 or F64, got " + q.dtype());
        AttentionHeads.Dims n = AttentionHeads.Dims.of(q, k, v);
        float sc = (float) scale;
        Parallel.forRange(n.count(), 1, (start, end) -> {
            Head head = new Head(n);
            for (int bh = start; bh < end; bh++) {
                int b = bh / n.heads(), h = bh % n.heads();
                AttentionHeads.gather(q, b, h, 0, n.tq(), head.q, n.d(), false);
                AttentionHeads.gather(k, b, h, 0, n.tk(), head.kT, head.tkp, true);
                AttentionHeads.gather(v, b, h, 0, n.tk(), head.v, head.dvp, false);
                keyBias(ignore, b, n.tk(), head.bias);
                head.run(sc, causal);
                AttentionHeads.scatter(head.o, head.dvp, out, b, h, 0, n.tq());
                if (lse != null) AttentionHeads.scatterRow(head.lse, lse, b, h, 0, n.tq());
            }
        });
    }

    static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** bias[j] = -inf for an ignored key of batch b, else 0; entries past Tk (padding) stay -inf. */
    static void keyBias(boolean[] ignore, int b, int tk, float[] bias) {
        for (int j = 0; j < tk; j++) bias[j] = ignore != null && ignore[b * tk + j] ? Float.NEGATIVE_INFINITY : 0f;
    }

    /** One task's packed head and tiles; padding is zeroed once and never written. */
    private static final class Head {
        final AttentionHeads.Dims n;
        final int tqp, tkp, dvp;
        final float[] q, kT, v, bias, s, o, lse, inv;

        Head(AttentionHeads.Dims n) {
            this.n = n;
            tqp = roundUp(n.tq(), ROWS);
            tkp = roundUp(n.tk(), L);
            dvp = roundUp(n.dv(), L);
            q = new float[tqp * n.d()]; // (Tq', D)
            kT = new float[n.d() * tkp]; // (D, Tk')
            v = new float[n.tk() * dvp]; // (Tk, Dv')
            bias = new float[tkp];
            Arrays.fill(bias, Float.NEGATIVE_INFINITY);
            s = new float[ROWS * tkp]; // (4, Tk') scores, then probabilities
            o = new float[tqp * dvp]; // (Tq', Dv')
            lse = new float[tqp];
            inv = new float[ROWS];
        }

        /** o and lse for every query row, q, kT, v and bias already packed. */
        void run(float scale, boolean causal) {
            int d = n.d(), tq = n.tq(), tk = n.tk();
            for (int i0 = 0; i0 < tqp; i0 += ROWS) {
                // s (4, Tk') = q[i0:i0+4] . kT
                AttentionTiles.mul(ROWS, tkp, d, q, i0 * d, d, 1, kT, 0, tkp, s, 0, tkp, false);
                if (!causal && i0 + ROWS <= tq) {
                    softmaxRows(s, tkp, tk, scale, bias, inv, lse, i0);
                } else {
                    for (int r = 0; r < ROWS; r++) {
                        int i = i0 + r, lim = i >= tq ? 0 : causal ? Math.min(tk, i + 1) : tk;
                        lse[i] = softmaxRow(s, r * tkp, tkp, lim, scale, bias, inv, r);
                    }
                }
                // o (4, Dv') = p (4, Tk) . v; keys past Tk have p = 0 and are left out of the sum
                AttentionTiles.mul(ROWS, dvp, tk, s, 0, tkp, 1, v, 0, dvp, o, i0 * dvp, dvp, false);
                for (int r = 0; r < ROWS; r++) AttentionTiles.scale(o, (i0 + r) * dvp, dvp, inv[r]);
            }
        }
    }

    /**
     * Softmax of score row x[at, at + n) (n a multiple of the vector length) in place, keys j >= lim
     * hidden: x = exp(scale x + bias - m) with m the row's largest. Sets inv[r] = 1 / sum and returns
     * the logsumexp; a row that sees no key becomes zeros with inv[r] = 0 and logsumexp -inf.
     */
    static float softmaxRow(float[] x, int at, int n, int lim, float scale, float[] bias, float[] inv, int r) {
        float m = lim > 0 ? scaleAndMax(x, at, n, lim, scale, bias) : Float.NEGATIVE_INFINITY;
        return exponentiate(x, at, n, lim, m, inv, r);
    }

    /**
     * The second half of a softmax row whose scaled scores x[at, at + n) have maximum m: x = exp(x - m),
     * inv[r] = 1 / sum, returns the logsumexp; a row with m = -inf (no visible key) becomes zeros with
     * inv[r] = 0 and logsumexp -inf. Entries from lim on (-inf) become +0 without an exponential.
     */
    private static float exponentiate(float[] x, int at, int n, int lim, float m, float[] inv, int r) {
        if (m == Float.NEGATIVE_INFINITY) {
            Arrays.fill(x, at, at + n, 0f);
            inv[r] = 0f;
            return Float.NEGATIVE_INFINITY;
        }
        float sum = VectorMath.expShiftedSum(x, at, n, m, lim);
        inv[r] = 1f / sum;
        return m + (float) Math.log(sum);
    }

    /**
     * {@link #softmaxRow} of the four score rows x[r n, r n + n) (r < 4) that all see keys j < lim
     * (lim >= 1), setting inv[r] and lse[i0 + r]: the same arithmetic per element in the same order,
     * so the same bits, with the four rows' scaling and maxima interleaved ({@link #scaleRows}), then
     * each row's exponentials.
     */
    static void softmaxRows(float[] x, int n, int lim, float scale, float[] bias, float[] inv, float[] lse, int i0) {
        scaleRows(x, n, lim, scale, bias, lse, i0);
        for (int r = 0; r < ROWS; r++) lse[i0 + r] = exponentiate(x, r * n, n, lim, lse[i0 + r], inv, r);
    }

    /**
     * The first pass of {@link #softmaxRows}: the four rows scaled, biased and hidden past lim as
     * {@link #scaleAndMax} does, their maxima into m[at + r]. A row's running maximum is a dependent
     * chain of the Vector API's max (Java's NaN and signed-zero rules: a five-instruction sequence on
     * AVX-512), so one row at a time waits on it; four independent chains do not. Everything is written
     * out in this one small method: the vector-returning helper it called before was not inlined (C2's
     * inlining log: "already compiled into a big method"), so each call boxed its result. Four rows of 50
     * keys padded to 64, one thread: 296-305 ns before, 279 with this pass, 212 once the hidden keys skip
     * their exponentials (VectorMath.expShiftedSum with a limit); 197 keys: 439-467 -> 427.
     */
    private static void scaleRows(float[] x, int n, int lim, float scale, float[] bias, float[] m, int at) {
        int x1 = n, x2 = 2 * n, x3 = 3 * n;
        FloatVector ninf = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY), sv = ninf.broadcast(scale);
        FloatVector m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
        for (int j = 0; j < n; j += L) {
            FloatVector bj = FloatVector.fromArray(SPECIES, bias, j);
            FloatVector y0 = FloatVector.fromArray(SPECIES, x, j).fma(sv, bj);
            FloatVector y1 = FloatVector.fromArray(SPECIES, x, x1 + j).fma(sv, bj);
            FloatVector y2 = FloatVector.fromArray(SPECIES, x, x2 + j).fma(sv, bj);
            FloatVector y3 = FloatVector.fromArray(SPECIES, x, x3 + j).fma(sv, bj);
            if (j + L > lim) { // keys from lim on hidden
                VectorMask<Float> shown = SPECIES.indexInRange(j, lim);
                y0 = ninf.blend(y0, shown);
                y1 = ninf.blend(y1, shown);
                y2 = ninf.blend(y2, shown);
                y3 = ninf.blend(y3, shown);
            }
            y0.intoArray(x, j);
            y1.intoArray(x, x1 + j);
            y2.intoArray(x, x2 + j);
            y3.intoArray(x, x3 + j);
            m0 = m0.max(y0);
            m1 = m1.max(y1);
            m2 = m2.max(y2);
            m3 = m3.max(y3);
        }
        m[at] = m0.reduceLanes(VectorOperators.MAX);
        m[at + 1] = m1.reduceLanes(VectorOperators.MAX);
        m[at + 2] = m2.reduceLanes(VectorOperators.MAX);
        m[at + 3] = m3.reduceLanes(VectorOperators.MAX);
    }

    /**
     * x[at + j] = x[at + j] * scale + bias[j] for j < lim, -inf for lim <= j < n (n a multiple of the
     * vector length); returns the largest.
     */
    static float scaleAndMax(float[] x, int at, int n, int lim, float scale, float[] bias) {
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY), sv = max.broadcast(scale);
        for (int j = 0; j < n; j += L)
            max = max.max(scaleVector(x, at + j, j, lim, sv, FloatVector.fromArray(SPECIES, bias, j)));
        return max.reduceLanes(VectorOperators.MAX);
    }

    /** x[at, at + L) = x * scale + bias, with -inf for keys j + lane >= lim (the vector holds keys j ..); returns it. */
    private static FloatVector scaleVector(float[] x, int at, int j, int lim, FloatVector scale, FloatVector bias) {
        FloatVector y = FloatVector.fromArray(SPECIES, x, at).fma(scale, bias);
        if (j + L > lim) y = scale.broadcast(Float.NEGATIVE_INFINITY).blend(y, SPECIES.indexInRange(j, lim));
        y.intoArray(x, at);
        return y;
    }
}
