package dev.loupe.ssl.moco;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;

/**
 * MoCo v3's contrastive loss: queries q and keys k L2-normalised, logits = q k^T / T, cross-entropy
 * with each query's own key as the positive and every other key of the batch as a negative, scaled by
 * 2T. The keys are constants (the momentum encoder's). Across ranks the keys of every rank are gathered
 * (rank-major) and row i of rank r has its positive at column r b + i, as the reference does.
 */
public final class MocoLoss {
    private MocoLoss() {}

    /** q: (B, E) queries (recorded), k: (B, E) keys -> scalar. */
    public static Var loss(Var q, Tensor k, double temperature) {
        return loss(q, k, temperature, Communicator.single());
    }

    /** q: (b, E) this rank's queries, k: (b, E) this rank's keys -> this rank's loss against all W b keys. */
    public static Var loss(Var q, Tensor k, double temperature, Communicator comm) {
        if (q.rank() != 2 || !q.data().shape().equals(k.shape()) || q.size(0) < 1) {
            throw new IllegalArgumentException(
                    "MoCo: queries " + q.data().shape() + " and keys " + k.shape() + " must both be (B, E)");
        }
        if (!(temperature > 0)) throw new IllegalArgumentException("MoCo: temperature must be > 0, got " + temperature);
        int b = q.size(0), first = comm.rank() * b;
        Tensor keys = L2Normalize.rows(Var.of(k)).allGather(comm).data(); // (W b, E), constant
        Var logits = L2Normalize.rows(q).matmul(Var.of(keys.mT())).div(temperature); // (b, W b)
        Tensor labels =
                Tensor.arange(DType.I64, first, first + b, 1).to(q.data().device()); // (b)
        return logits.crossEntropy(labels, 0).mul(2 * temperature);
    }
}
