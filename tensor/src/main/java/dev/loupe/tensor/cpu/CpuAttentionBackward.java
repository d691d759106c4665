package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * <p>Padding keeps the five products on whole register tiles ({@link AttentionTiles}): query rows to a
 * multiple of 4 (zero rows with logsumexp -inf, so P = 0 there), keys to a multiple of the vector
 * length (zero rows of k and columns of k^T and v^T, bias -inf), D and Dv to whole vectors; block sizes
 * round up to the same multiples. Padded rows and columns of the gradients are computed and dropped.
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
            int tq = n.tq(), tk = n.tk(), dp = head.dp, ep = head.ep;
            for (int bh = start; bh < end; bh++) {
                int b = bh / n.heads(), h = bh % n.heads();
                AttentionHeads.gather(q, b, h, 0, tq, head.q, dp, false);
                AttentionHeads.gather(k, b, h, 0, tk, head.k, dp, false);
                AttentionHeads.gather(k, b, h, 0, tk, head.kT, head.tkp, true);
                AttentionHeads.gather(v, b, h, 0, tk, head.vT, head.tkp, true);
                AttentionHeads.gather(out, b, h, 0, tq, head.o, ep, false);
                AttentionHeads.gather(gradOut, b, h, 0, tq, head.dO, ep, false);
                AttentionHeads.gatherRow(lse, b, h, head.lse);
                CpuAttention.keyBias(ignore, b, tk, head.bias);
                head.run(sc, causal);
                AttentionHeads.scatter(head.dq, dp, dq, b, h, 0, tq);
                AttentionHeads.scatter(head.dk, dp, dk, b, h, 0, tk);
                AttentionHeads.scatter(head.dv, ep, dv, b, h, 0, tk);
            }
        });
    }

    /** One task's packed head, gradients and tiles; padding is zeroed once and never written. */
    private static final class Head {
        final AttentionHeads.Dims n;
        final int blockQ, blockK, tqp, tkp, dp, ep;
        final float[] q, k, kT, vT, o, dO, lse, rowD, bias, dq, dk, dv, p, ds;

        Head(AttentionHeads.Dims n, int blockQ, int blockK) {
            this.n = n;
            this.blockQ = CpuAttention.roundUp(Math.max(blockQ, 1), CpuAttention.ROWS);
            this.blockK = CpuAttention.roundUp(Math.max(blockK, 1), L);
            tqp = CpuAttention.roundUp(n.tq(), CpuAttention.ROWS);
            tkp = CpuAttention.roundUp(n.tk(), L);
            dp = CpuAttention.roundUp(n.d(), L);
            ep = CpuAttention.roundUp(n.dv(), L);
            q = new float[tqp * dp]; // (Tq', D')
            k = new float[tkp * dp]; // (Tk', D')
            kT = new float[n.d() * tkp]; // (D, Tk')
            vT = new float[n.dv() * tkp]; // (Dv, Tk')
            o = new float[tqp * ep]; // (Tq', Dv')
            dO = new float[tqp * ep]; // (Tq', Dv')
            lse = new float[tqp];
            Arrays.fill(lse, Float.NEGATIVE_INFINITY);
            rowD = new float[tqp];
            bias = new float[tkp];
            Arrays.fill(bias, Float.NEGATIVE_INFINITY);
            dq = new float[tqp * dp];
            dk = new float[tkp * dp];
            dv = new float[tkp * ep];
            p = new float[this.blockQ * this.blockK]; // (BQ, BK)
            ds = new float[this.blockQ * this.blockK]; // (BQ, BK): dP, then dS
        }

        void run(float scale, boolean causal) {
            int tq = n.tq(), tk = n.tk(), d = n.d(), e = n.dv();
            for (int i = 0; i < tq; i++) rowD[i] = AttentionTiles.dot(dO, i * ep, o, i * ep, e);
            Arrays.fill(dq, 0f);
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            for (int j0 = 0, cols; j0 < tkp; j0 += cols) {
                // the keys left split into blocks of nearly equal whole vectors (208 keys by 64: 64, 48,
                // 48, 48 rather than a last block of 16, whose tiles would be one vector wide)
                int blocksLeft = (tkp - j0 + blockK - 1) / blockK;
                cols = CpuAttention.roundUp((tkp - j0 + blocksLeft - 1) / blocksLeft, L);
                int keys = Math.min(cols, tk - j0);
                for (int i0 = 0; i0 < tqp; i0 += blockQ) {
                    int rows = Math.min(blockQ, tqp - i0), queries = Math.min(rows, tq - i0);
                    if (causal && j0 > i0 + rows - 1) continue;
                    // p (rows, cols) = q[i0:] . kT[:, j0:], then probabilities
                    AttentionTiles.mul(rows, cols, d, q, i0 * dp, dp, 1, kT, j0, tkp, p, 0, cols, false);
                    for (int r = 0; r < rows; r++) {
                        // keys past Tk (padding) are hidden as the causal mask's are
                        int i = i0 + r,
                                lim =
                                        lse[i] == Float.NEGATIVE_INFINITY
                                                ? 0
                                                : Math.min(causal ? Math.min(cols, i - j0 + 1) : cols, tk - j0);
                        probabilities(p, r * cols, Math.max(lim, 0), cols, scale, bias, j0, lse[i]);
                    }
                    // dv[j0:] (cols, Dv') += p^T . dO[i0:], over the real query rows
                    AttentionTiles.mul(cols, ep, queries, p, 0, 1, cols, dO, i0 * ep, ep, dv, j0 * ep, ep, true);
                    // ds (rows, cols) = dO[i0:] . vT[:, j0:], then dS = scale p (dP - D)
                    AttentionTiles.mul(rows, cols, e, dO, i0 * ep, ep, 1, vT, j0, tkp, ds, 0, cols, false);
                    for (int r = 0; r < rows; r++) softmaxGrad(p, ds, r * cols, cols, rowD[i0 + r], scale);
                    // dq[i0:] (rows, D') += dS . k[j0:], over the real keys
                    AttentionTiles.mul(rows, dp, keys, ds, 0, cols, 1, k, j0 * dp, dp, dq, i0 * dp, dp, true);
                    // dk[j0:] (cols, D') += dS^T . q[i0:], over the real query rows
                    AttentionTiles.mul(cols, dp, queries, ds, 0, 1, cols, q, i0 * dp, dp, dk, j0 * dp, dp, true);
                }
            }
        }
    }

    /**
     * x[at + j] = exp(x[at + j] * scale + bias[b0 + j] - lse) for j < lim; 0 for lim <= j < n (keys
     * hidden by the causal mask or padding, or every key when the row saw none). n is a multiple of the
     * vector length; the score is formed as in the forward (one fma), so P matches the forward's exponent.
     * Hidden entries are set to 0 after the exponentials, not computed as exp(-inf): that product
     * underflows, which costs a microcode assist (see VectorMath.expShiftedSum).
     */
    static void probabilities(float[] x, int at, int lim, int n, float scale, float[] bias, int b0, float lse) {
        if (lim == 0) {
            Arrays.fill(x, at, at + n, 0f);
            return;
        }
        FloatVector sv = FloatVector.broadcast(SPECIES, scale);
        for (int j = 0; j < n; j += L) {
            FloatVector y = FloatVector.fromArray(SPECIES, x, at + j)
                    .fma(sv, FloatVector.fromArray(SPECIES, bias, b0 + j))
                    .sub(lse);
            if (j + L > lim) y = y.broadcast(0f).blend(y, SPECIES.indexInRange(j, lim));
            y.intoArray(x, at + j);
        }
        VectorMath.expInPlace(x, at, n);
        Arrays.fill(x, at + lim, at + n, 0f);
    }

    /** ds[at + j] = scale p[at + j] (ds[at + j] - rowD) for j < n, a multiple of the vector length. */
    static void softmaxGrad(float[] p, float[] ds, int at, int n, float rowD, float scale) {
        for (int j = 0; j < n; j += L) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, at + j);
            pv.mul(scale)
                    .mul(FloatVector.fromArray(SPECIES, ds, at + j).sub(rowD))
                    .intoArray(ds, at + j);
        }
    }
}
