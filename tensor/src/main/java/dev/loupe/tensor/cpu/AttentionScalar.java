package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;

/**
 * Scalar twin of the fused attention kernels, in double for every input dtype: the F64 path
 * (gradcheck) and the oracle the float vector kernels are tested against. It keeps the textbook
 * two-pass form per query row (scores over all visible keys, max, exponentials, sum) rather than the
 * streamed online softmax, so it checks the streaming too. Scratch is one row of Tk scores per task.
 *
 * <p>Visibility: key j is seen by query i unless {@code ignore[b Tk + j]} or (causal) j > i. A query
 * that sees no key gets out = 0, logsumexp = -inf and zero gradients (torch's masked softmax would
 * give NaN there).
 */
final class AttentionScalar {
    private AttentionScalar() {}

    // q: (B, H, Tq, D), k: (B, H, Tk, D), v: (B, H, Tk, Dv), out: (B, H, Tq, Dv), lse: (B, H, Tq)
    static void forward(
            Tensor q, Tensor k, Tensor v, double scale, boolean causal, boolean[] ignore, Tensor out, Tensor lse) {
        AttentionHeads.Dims n = AttentionHeads.Dims.of(q, k, v);
        Parallel.forRange(n.count(), 1, (start, end) -> {
            double[] qh = new double[n.tq() * n.d()], kh = new double[n.tk() * n.d()], vh = new double[n.tk() * n.dv()];
            double[] oh = new double[n.tq() * n.dv()], lh = new double[n.tq()], s = new double[n.tk()];
            for (int bh = start; bh < end; bh++) {
                int b = bh / n.heads(), h = bh % n.heads();
                AttentionHeads.gather(q, b, h, qh);
                AttentionHeads.gather(k, b, h, kh);
                AttentionHeads.gather(v, b, h, vh);
                Arrays.fill(oh, 0);
                for (int i = 0; i < n.tq(); i++) lh[i] = forwardRow(n, qh, kh, vh, i, b, scale, causal, ignore, s, oh);
                AttentionHeads.scatter(oh, out, b, h);
                if (lse != null) AttentionHeads.scatterRow(lh, lse, b, h);
            }
        });
    }

    /** Fills row i of oh and returns its logsumexp. */
    private static double forwardRow(
            AttentionHeads.Dims n,
            double[] qh,
            double[] kh,
            double[] vh,
            int i,
            int b,
            double scale,
            boolean causal,
            boolean[] ignore,
            double[] s,
            double[] oh) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n.tk(); j++) {
            if (!visible(n, i, j, b, causal, ignore)) continue;
            double dot = 0;
            for (int c = 0; c < n.d(); c++) dot += qh[i * n.d() + c] * kh[j * n.d() + c];
            s[j] = dot * scale;
            max = Math.max(max, s[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (int j = 0; j < n.tk(); j++) {
            if (!visible(n, i, j, b, causal, ignore)) continue;
            double e = Math.exp(s[j] - max);
            sum += e;
            for (int c = 0; c < n.dv(); c++) oh[i * n.dv() + c] += e * vh[j * n.dv() + c];
        }
        for (int c = 0; c < n.dv(); c++) oh[i * n.dv() + c] /= sum;
        return max + Math.log(sum);
    }

    // P_ij = exp(s_ij - lse_i); D_i = dO_i . O_i; dS_ij = P_ij (dO_i . v_j - D_i);
    // dq_i = scale sum_j dS_ij k_j; dk_j = scale sum_i dS_ij q_i; dv_j = sum_i P_ij dO_i
    static void backward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor lse,
            double scale,
            boolean causal,
            boolean[] ignore,
            Tensor dq,
            Tensor dk,
            Tensor dv) {
        AttentionHeads.Dims n = AttentionHeads.Dims.of(q, k, v);
        int d = n.d(), e = n.dv();
        Parallel.forRange(n.count(), 1, (start, end) -> {
            double[] qh = new double[n.tq() * d], kh = new double[n.tk() * d], vh = new double[n.tk() * e];
            double[] oh = new double[n.tq() * e], go = new double[n.tq() * e], lh = new double[n.tq()];
            double[] dqh = new double[n.tq() * d], dkh = new double[n.tk() * d], dvh = new double[n.tk() * e];
            for (int bh = start; bh < end; bh++) {
                int b = bh / n.heads(), h = bh % n.heads();
                AttentionHeads.gather(q, b, h, qh);
                AttentionHeads.gather(k, b, h, kh);
                AttentionHeads.gather(v, b, h, vh);
                AttentionHeads.gather(out, b, h, oh);
                AttentionHeads.gather(gradOut, b, h, go);
                AttentionHeads.gatherRow(lse, b, h, lh);
                Arrays.fill(dqh, 0);
                Arrays.fill(dkh, 0);
                Arrays.fill(dvh, 0);
                for (int i = 0; i < n.tq(); i++) {
                    if (lh[i] == Double.NEGATIVE_INFINITY) continue;
                    double di = 0;
                    for (int c = 0; c < e; c++) di += go[i * e + c] * oh[i * e + c];
                    for (int j = 0; j < n.tk(); j++) {
                        if (!visible(n, i, j, b, causal, ignore)) continue;
                        double dot = 0, dp = 0;
                        for (int c = 0; c < d; c++) dot += qh[i * d + c] * kh[j * d + c];
                        for (int c = 0; c < e; c++) dp += go[i * e + c] * vh[j * e + c];
                        double p = Math.exp(dot * scale - lh[i]);
                        double ds = p * (dp - di) * scale;
                        for (int c = 0; c < d; c++) {
                            dqh[i * d + c] += ds * kh[j * d + c];
                            dkh[j * d + c] += ds * qh[i * d + c];
                        }
                        for (int c = 0; c < e; c++) dvh[j * e + c] += p * go[i * e + c];
                    }
                }
                AttentionHeads.scatter(dqh, dq, b, h);
                AttentionHeads.scatter(dkh, dk, b, h);
                AttentionHeads.scatter(dvh, dv, b, h);
            }
        });
    }

    private static boolean visible(AttentionHeads.Dims n, int i, int j, int b, boolean causal, boolean[] ignore) {
        return !(causal && j > i) && (ignore == null || !ignore[b * n.tk() + j]);
    }
}
