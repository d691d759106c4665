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
 * Fused scaled dot-product attention forward, flash-attention style: per head (b, h) and block of
 * query rows, stream over blocks of keys with an online softmax (running max m and sum l per row; when
 * m grows, the partial output and l are rescaled by exp(m_old - m_new)). Only a BQ x BK score tile
 * lives at a time, inside the task; what backward needs is the output and logsumexp = m + log l per row
 * (B H Tq floats), never a Tq x Tk tensor.
 *
 * <p>Blocks: BQ = 64 query rows by BK = 128 keys. For ViT shapes (T = 50 .. 197) that is one or a few
 * tiles per head, so K^T and V are packed once per head and reused by its query blocks; the tile
 * (32 KB) and the packed head (K^T, V: 2 T hd floats) sit in L2. Work items are (b, h, query block),
 * each writing its own rows of out and logsumexp, so results do not depend on the thread count.
 *
 * <p>F64, and F32 under {@code -Dloupe.kernels=scalar}, run the twin {@link AttentionScalar}.
 */
final class CpuAttention {
    static final int BLOCK_Q = 64, BLOCK_K = 128;
    private static final VectorSpecies<Float> SPECIES = AttentionTiles.SPECIES;
    private static final int L = SPECIES.length();

    private CpuAttention() {}

    static void attention(
            Tensor q, Tensor k, Tensor v, double scale, boolean causal, Tensor mask, Tensor out, Tensor lse) {
        attention(q, k, v, scale, causal, mask, out, lse, KernelMode.SCALAR, BLOCK_Q, BLOCK_K);
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
            boolean scalar,
            int blockQ,
            int blockK) {
        boolean[] ignore = AttentionHeads.ignored(mask);
        if (scalar || q.dtype() == DType.F64) {
            AttentionScalar.forward(q, k, v, scale, causal, ignore, out, lse);
            return;
        }
        if (q.dtype() != DType.F32) throw new IllegalArgumentException("attention: needs F32 or F64, got " + q.dtype());
        AttentionHeads.Dims n = AttentionHeads.Dims.of(q, k, v);
        int qBlocks = (n.tq() + blockQ - 1) / blockQ;
        float sc = (float) scale;
        Parallel.forRange(n.count() * qBlocks, 1, (start, end) -> {
            Head head = new Head(n, blockQ, blockK);
            int packed = -1;
            for (int task = start; task < end; task++) {
                int bh = task / qBlocks, i0 = (task % qBlocks) * blockQ, rows = Math.min(blockQ, n.tq() - i0);
                int b = bh / n.heads(), h = bh % n.heads();
                if (bh != packed) {
                    AttentionHeads.gather(k, b, h, 0, n.tk(), head.kT, true);
                    AttentionHeads.gather(v, b, h, 0, n.tk(), head.v, false);
                    keyBias(ignore, b, n.tk(), head.bias);
                    packed = bh;
                }
                AttentionHeads.gather(q, b, h, i0, rows, head.q, false);
                head.queryBlock(i0, rows, sc, causal);
                AttentionHeads.scatter(head.o, out, b, h, i0, rows);
                if (lse != null) AttentionHeads.scatterRow(head.lse, lse, b, h, i0, rows);
            }
        });
    }

    /** bias[j] = -inf for an ignored key of batch b, else 0. */
    static void keyBias(boolean[] ignore, int b, int tk, float[] bias) {
        for (int j = 0; j < tk; j++) bias[j] = ignore != null && ignore[b * tk + j] ? Float.NEGATIVE_INFINITY : 0f;
    }

    /** One task's packed head and tiles. */
    private static final class Head {
        final AttentionHeads.Dims n;
        final int blockK;
        final float[] kT, v, bias, q, s, o, m, l, lse;

        Head(AttentionHeads.Dims n, int blockQ, int blockK) {
            this.n = n;
            this.blockK = blockK;
            kT = new float[n.d() * n.tk()]; // (D, Tk)
            v = new float[n.tk() * n.dv()]; // (Tk, Dv)
            bias = new float[n.tk()];
            q = new float[blockQ * n.d()]; // (BQ, D)
            s = new float[blockQ * blockK]; // (BQ, BK) scores, then probabilities
            o = new float[blockQ * n.dv()]; // (BQ, Dv)
            m = new float[blockQ];
            l = new float[blockQ];
            lse = new float[blockQ];
        }

        /** o and lse for query rows [i0, i0 + rows), q already packed. */
        void queryBlock(int i0, int rows, float scale, boolean causal) {
            int d = n.d(), dv = n.dv(), tk = n.tk();
            Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, rows, 0f);
            Arrays.fill(o, 0, rows * dv, 0f);
            for (int j0 = 0; j0 < tk; j0 += blockK) {
                if (causal && j0 > i0 + rows - 1) break;
                int cols = Math.min(blockK, tk - j0);
                // s (rows, cols) = q (rows, D) . kT[:, j0:j0+cols]
                AttentionTiles.mul(rows, cols, d, q, 0, d, 1, kT, j0, tk, s, 0, cols, false);
                for (int r = 0; r < rows; r++) {
                    int lim = causal ? Math.max(0, Math.min(cols, i0 + r - j0 + 1)) : cols;
                    int at = r * cols;
                    float rowMax = lim > 0 ? scaleAndMax(s, at, lim, scale, bias, j0) : Float.NEGATIVE_INFINITY;
                    float mNew = Math.max(m[r], rowMax);
                    if (mNew == Float.NEGATIVE_INFINITY) {
                        Arrays.fill(s, at, at + cols, 0f);
                        continue;
                    }
                    float alpha = (float) Math.exp(m[r] - mNew);
                    float sum = expRow(s, at, lim, mNew);
                    Arrays.fill(s, at + lim, at + cols, 0f);
                    l[r] = l[r] * alpha + sum;
                    if (alpha != 1f) AttentionTiles.scale(o, r * dv, dv, alpha);
                    m[r] = mNew;
                }
                // o (rows, Dv) += p (rows, cols) . v[j0:j0+cols]
                AttentionTiles.mul(rows, dv, cols, s, 0, cols, 1, v, j0 * dv, dv, o, 0, dv, true);
            }
            for (int r = 0; r < rows; r++) {
                if (l[r] == 0f) {
                    lse[r] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                AttentionTiles.scale(o, r * dv, dv, 1f / l[r]);
                lse[r] = m[r] + (float) Math.log(l[r]);
            }
        }
    }

    /** x[at + j] = x[at + j] * scale + bias[b0 + j] for j < n; returns the largest. */
    static float scaleAndMax(float[] x, int at, int n, float scale, float[] bias, int b0) {
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            FloatVector y = FloatVector.fromArray(SPECIES, x, at + j, mk)
                    .mul(scale)
                    .add(FloatVector.fromArray(SPECIES, bias, b0 + j, mk));
            y.intoArray(x, at + j, mk);
            max = max.blend(max.max(y), mk);
        }
        return max.reduceLanes(VectorOperators.MAX);
    }

    /**
     * x[at + j] = exp(x[at + j] - shift) for j < n (masked keys hold -inf and give 0); returns their
     * sum. The exponentials run as a pass of their own ({@link VectorMath#expInPlace}).
     */
    static float expRow(float[] x, int at, int n, float shift) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            FloatVector.fromArray(SPECIES, x, at + j, mk).sub(shift).intoArray(x, at + j, mk);
        }
        VectorMath.expInPlace(x, at, n);
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int j = 0; j < n; j += L)
            sum = sum.add(FloatVector.fromArray(SPECIES, x, at + j, SPECIES.indexInRange(j, n)));
        return Lanes.sum(sum);
    }
}
