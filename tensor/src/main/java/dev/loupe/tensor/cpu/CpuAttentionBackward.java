package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused scaled dot-product attention backward. Probabilities are recomputed tile by tile from q, k and
 * the saved logsumexp: P = exp(scale q k^T + bias - lse); with D_i = dO_i . O_i,
 * dV += P^T dO, dP = dO V^T, dS = P (dP - D), dQ += scale dS K, dK += scale dS^T Q.
 *
 * <p>One task per head (b, h) owns all of that head's dq, dk and dv and walks the tiles in a fixed
 * order (key blocks outer, query blocks inner), so every sum has one order whatever the thread count.
 * Tiles are BQ x BK = 64 x 64 (P and dS, 16 KB each), enough to cover a ViT-Tiny head (T = 50) at
 * once while keeping the packed head (q, k, k^T, v^T, dO, dq, dk, dv: about 8 T hd floats) in L2.
 *
 * <p>F64, and F32 under {@code -Dloupe.kernels=scalar}, run the twin {@link AttentionScalar}.
 */
final class CpuAttentionBackward {
    static final int BLOCK_Q = 64, BLOCK_K = 64;
    private static final VectorSpecies<Float> SPECIES = AttentionTiles.SPECIES;
    private static final int L = SPECIES.length();

    private CpuAttentionBackward() {}

    static void attentionBackward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor lse,
            double scale,
            boolean causal,
            Tensor mask,
            Tensor dq,
            Tensor dk,
            Tensor dv) {
        attentionBackward(
                q, k, v, out, gradOut, lse, scale, causal, mask, dq, dk, dv, KernelMode.SCALAR, BLOCK_Q, BLOCK_K);
    }

    // q, dq: (B, H, Tq, D); k, dk: (B, H, Tk, D); v, dv: (B, H, Tk, Dv); out, gradOut: (B, H, Tq, Dv);
    // lse: (B, H, Tq); mask: (B, Tk) BOOL or null
    static void attentionBackward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor lse,
            double scale,
            boolean causal,
            Tensor mask,
            Tensor dq,
            Tensor dk,
            Tensor dv,
            boolean scalar,
            int blockQ,
            int blockK) {
        boolean[] ignore = AttentionHeads.ignored(mask);
        if (scalar || q.dtype() == DType.F64) {
            AttentionScalar.backward(q, k, v, out, gradOut, lse, scale, causal, ignore, dq, dk, dv);
            return;
        }
        if (q.dtype() != DType.F32)
            throw new IllegalArgumentException("attention_backward: needs F32 or F64, got " + q.dtype());
        AttentionHeads.Dims n = AttentionHeads.Dims.of(q, k, v);
        float sc = (float) scale;
        Parallel.forRange(n.count(), 1, (start, end) -> {
            Head head = new Head(n, blockQ, blockK);
            for (int bh = start; bh < end; bh++) {
                int b = bh / n.heads(), h = bh % n.heads();
                AttentionHeads.gather(q, b, h, 0, n.tq(), head.q, false);
                AttentionHeads.gather(k, b, h, 0, n.tk(), head.k, false);
                AttentionHeads.gather(k, b, h, 0, n.tk(), head.kT, true);
                AttentionHeads.gather(v, b, h, 0, n.tk(), head.vT, true);
                AttentionHeads.gather(out, b, h, 0, n.tq(), head.o, false);
                AttentionHeads.gather(gradOut, b, h, 0, n.tq(), head.dO, false);
                AttentionHeads.gatherRow(lse, b, h, head.lse);
                CpuAttention.keyBias(ignore, b, n.tk(), head.bias);
                head.run(sc, causal);
                AttentionHeads.scatter(head.dq, dq, b, h, 0, n.tq());
                AttentionHeads.scatter(head.dk, dk, b, h, 0, n.tk());
                AttentionHeads.scatter(head.dv, dv, b, h, 0, n.tk());
            }
        });
    }

    /** One task's packed head, gradients and tiles. */
    private static final class Head {
        final AttentionHeads.Dims n;
        final int blockQ, blockK;
        final float[] q, k, kT, vT, o, dO, lse, rowD, bias, dq, dk, dv, p, ds;

        Head(AttentionHeads.Dims n, int blockQ, int blockK) {
            this.n = n;
            this.blockQ = blockQ;
            this.blockK = blockK;
            int tq = n.tq(), tk = n.tk(), d = n.d(), e = n.dv();
            q = new float[tq * d]; // (Tq, D)
            k = new float[tk * d]; // (Tk, D)
            kT = new float[d * tk]; // (D, Tk)
            vT = new float[e * tk]; // (Dv, Tk)
            o = new float[tq * e]; // (Tq, Dv)
            dO = new float[tq * e]; // (Tq, Dv)
            lse = new float[tq];
            rowD = new float[tq];
            bias = new float[tk];
            dq = new float[tq * d];
            dk = new float[tk * d];
            dv = new float[tk * e];
            p = new float[blockQ * blockK]; // (BQ, BK)
            ds = new float[blockQ * blockK]; // (BQ, BK): dP, then dS
        }

        void run(float scale, boolean causal) {
            int tq = n.tq(), tk = n.tk(), d = n.d(), e = n.dv();
            for (int i = 0; i < tq; i++) rowD[i] = AttentionTiles.dot(dO, i * e, o, i * e, e);
            Arrays.fill(dq, 0f);
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            for (int j0 = 0; j0 < tk; j0 += blockK) {
                int cols = Math.min(blockK, tk - j0);
                for (int i0 = 0; i0 < tq; i0 += blockQ) {
                    int rows = Math.min(blockQ, tq - i0);
                    if (causal && j0 > i0 + rows - 1) continue;
                    // p (rows, cols) = q[i0:] . kT[:, j0:], then probabilities
                    AttentionTiles.mul(rows, cols, d, q, i0 * d, d, 1, kT, j0, tk, p, 0, cols, false);
                    for (int r = 0; r < rows; r++) {
                        int i = i0 + r,
                                lim =
                                        lse[i] == Float.NEGATIVE_INFINITY
                                                ? 0
                                                : causal ? Math.min(cols, i - j0 + 1) : cols;
                        probabilities(p, r * cols, Math.max(lim, 0), cols, scale, bias, j0, lse[i]);
                    }
                    // dv[j0:] (cols, Dv) += p^T . dO[i0:]
                    AttentionTiles.mul(cols, e, rows, p, 0, 1, cols, dO, i0 * e, e, dv, j0 * e, e, true);
                    // ds (rows, cols) = dO[i0:] . vT[:, j0:], then dS = scale p (dP - D)
                    AttentionTiles.mul(rows, cols, e, dO, i0 * e, e, 1, vT, j0, tk, ds, 0, cols, false);
                    for (int r = 0; r < rows; r++) softmaxGrad(p, ds, r * cols, cols, rowD[i0 + r], scale);
                    // dq[i0:] (rows, D) += dS . k[j0:]
                    AttentionTiles.mul(rows, d, cols, ds, 0, cols, 1, k, j0 * d, d, dq, i0 * d, d, true);
                    // dk[j0:] (cols, D) += dS^T . q[i0:]
                    AttentionTiles.mul(cols, d, rows, ds, 0, 1, cols, q, i0 * d, d, dk, j0 * d, d, true);
                }
            }
        }
    }

    /**
     * x[at + j] = exp(x[at + j] * scale + bias[b0 + j] - lse) for j < lim; 0 for lim <= j < n (keys
     * hidden by the causal mask, or every key when the row saw none).
     */
    static void probabilities(float[] x, int at, int lim, int n, float scale, float[] bias, int b0, float lse) {
        for (int j = 0; j < lim; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, lim);
            FloatVector y = FloatVector.fromArray(SPECIES, x, at + j, mk)
                    .mul(scale)
                    .add(FloatVector.fromArray(SPECIES, bias, b0 + j, mk));
            y.sub(lse).intoArray(x, at + j, mk);
        }
        VectorMath.expInPlace(x, at, lim);
        Arrays.fill(x, at + lim, at + n, 0f);
    }

    /** ds[at + j] = scale p[at + j] (ds[at + j] - rowD) for j < n. */
    static void softmaxGrad(float[] p, float[] ds, int at, int n, float rowD, float scale) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, at + j, mk);
            pv.mul(scale)
                    .mul(FloatVector.fromArray(SPECIES, ds, at + j, mk).sub(rowD))
                    .intoArray(ds, at + j, mk);
        }
    }
}
