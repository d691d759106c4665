package dev.loupe.ssl.simclr;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.Tensor;

import java.util.List;

/**
 * SimCLR's NT-Xent loss as SLIP computes it (losses.py SIMCLRLoss, one process): L2-normalise za and
 * zb; logits_ab = za zb^T / tau, logits_aa = za za^T / tau - 1e9 on the diagonal (likewise ba, bb);
 * loss = (CE([logits_ab | logits_aa], i) + CE([logits_ba | logits_bb], i)) / 2 with target i the
 * own index.
 */
public final class NtXentLoss {
    /** SLIP subtracts this from the self-similarity diagonal. */
    public static final double SELF_MASK = 1e9;

    private NtXentLoss() {}

    /** za, zb: (B, E) projections of two views -> scalar loss. */
    public static Var loss(Var za, Var zb, double temperature) {
        if (za.rank() != 2 || !za.data().shape().equals(zb.data().shape()) || za.size(0) < 1) {
            throw new IllegalArgumentException("NT-Xent: za " + za.data().shape() + " and zb " + zb.data().shape() + " must both be (B, E)");
        }
        if (!(temperature > 0)) throw new IllegalArgumentException("NT-Xent: temperature must be > 0, got " + temperature);
        int b = za.size(0);
        Var qa = L2Normalize.rows(za), qb = L2Normalize.rows(zb);                       // (B, E)
        Var selfMask = Var.of(Tensor.eye(za.dtype(), b).mul(SELF_MASK).to(za.data().device()));   // (B, B)
        Var logitsAa = qa.matmul(qa.mT()).div(temperature).sub(selfMask);
        Var logitsBb = qb.matmul(qb.mT()).div(temperature).sub(selfMask);
        Var logitsAb = qa.matmul(qb.mT()).div(temperature);
        Var logitsBa = qb.matmul(qa.mT()).div(temperature);
        Tensor labels = Tensor.arange(b).to(za.data().device());
        Var lossA = Var.concat(1, List.of(logitsAb, logitsAa)).crossEntropy(labels, 0);
        Var lossB = Var.concat(1, List.of(logitsBa, logitsBb)).crossEntropy(labels, 0);
        return lossA.add(lossB).div(2);
    }
}
