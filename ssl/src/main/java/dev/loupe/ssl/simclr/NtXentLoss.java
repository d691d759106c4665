package dev.loupe.ssl.simclr;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.List;

/**
 * SimCLR's NT-Xent loss as SLIP computes it (losses.py SIMCLRLoss, one process): L2-normalise za and
 * zb; logits_ab = za zb^T / tau, logits_aa = za za^T / tau - 1e9 on the diagonal (likewise ba, bb);
 * loss = (CE([logits_ab | logits_aa], i) + CE([logits_ba | logits_bb], i)) / 2 with target i the
 * own index. Across ranks (SLIP's distributed SIMCLRLoss) each rank scores its own rows against the
 * rows of every rank, gathered with gradients, so the mean over ranks is the one-process loss of the
 * global batch.
 */
public final class NtXentLoss {
    /** SLIP subtracts this from the self-similarity diagonal. */
    public static final double SELF_MASK = 1e9;

    private NtXentLoss() {}

    /** za, zb: (B, E) projections of two views -> scalar loss. */
    public static Var loss(Var za, Var zb, double temperature) {
        return loss(za, zb, temperature, Communicator.single());
    }

    /**
     * za, zb: (b, E) this rank's projections -> this rank's loss: its rows against the W b rows of all
     * ranks (rank-major), the positive of row i at column rank b + i.
     */
    public static Var loss(Var za, Var zb, double temperature, Communicator comm) {
        if (za.rank() != 2 || !za.data().shape().equals(zb.data().shape()) || za.size(0) < 1) {
            throw new IllegalArgumentException(
                    "NT-Xent: za " + za.data().shape() + " and zb " + zb.data().shape() + " must both be (B, E)");
        }
        if (!(temperature > 0))
            throw new IllegalArgumentException("NT-Xent: temperature must be > 0, got " + temperature);
        int b = za.size(0), first = comm.rank() * b;
        Var qa = L2Normalize.rows(za), qb = L2Normalize.rows(zb); // (b, E)
        Var qaAll = qa.allGather(comm), qbAll = qb.allGather(comm); // (W b, E); qa itself with one rank
        Var selfMask = Var.of(selfMask(za.dtype(), b, comm.worldSize() * b, first)
                .to(za.data().device())); // (b, W b)
        Var logitsAa = qa.matmul(qaAll.mT()).div(temperature).sub(selfMask);
        Var logitsBb = qb.matmul(qbAll.mT()).div(temperature).sub(selfMask);
        Var logitsAb = qa.matmul(qbAll.mT()).div(temperature);
        Var logitsBa = qb.matmul(qaAll.mT()).div(temperature);
        Tensor labels =
                Tensor.arange(DType.I64, first, first + b, 1).to(za.data().device()); // (b) global row indices
        Var lossA = Var.concat(1, List.of(logitsAb, logitsAa)).crossEntropy(labels, 0);
        Var lossB = Var.concat(1, List.of(logitsBa, logitsBb)).crossEntropy(labels, 0);
        return lossA.add(lossB).div(2);
    }

    /**
     * Multi-crop NT-Xent over the projections of V >= 2 views of the same b images, views 0 and 1 the
     * global crops: the mean of {@link #loss} over every pair (g, v) with g global and v > g, that is
     * (0, 1), then (0, j) and (1, j) for each local view j >= 2. Local views are contrasted with both
     * global views and never with each other (DINO's pairing of crops; SwAV's multi-crop SimCLR). With
     * two views it is {@link #loss} itself. views: V tensors (b, E) -> scalar.
     */
    public static Var multiCrop(List<Var> views, double temperature, Communicator comm) {
        if (views.size() < 2)
            throw new IllegalArgumentException("multi-crop NT-Xent needs >= 2 views, got " + views.size());
        Var total = null;
        int pairs = 0;
        for (int g = 0; g < 2; g++) {
            for (int v = g + 1; v < views.size(); v++) {
                Var pair = loss(views.get(g), views.get(v), temperature, comm);
                total = total == null ? pair : total.add(pair);
                pairs++;
            }
        }
        return pairs == 1 ? total : total.div(pairs);
    }

    /** (b, columns): SELF_MASK at (i, first + i), zero elsewhere. */
    private static Tensor selfMask(DType dtype, int b, int columns, int first) {
        if (columns == b) return Tensor.eye(dtype, b).mul(SELF_MASK);
        double[] m = new double[b * columns];
        for (int i = 0; i < b; i++) m[i * columns + first + i] = SELF_MASK;
        return Tensor.of(m, b, columns).to(dtype);
    }
}
