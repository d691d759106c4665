package dev.loupe.ssl.byol;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.Tensor;

/**
 * BYOL's regression loss: 2 - 2 cos(p, z) per row, the squared distance of the L2-normalised online
 * prediction p and target projection z, averaged over the rows. The target is a constant.
 */
public final class ByolLoss {
    private ByolLoss() {}

    /** p: (B, E) predictions (recorded), z: (B, E) target projections -> scalar. */
    public static Var loss(Var p, Tensor z) {
        if (p.rank() != 2 || !p.data().shape().equals(z.shape())) {
            throw new IllegalArgumentException(
                    "BYOL: prediction " + p.data().shape() + " and target " + z.shape() + " must both be (B, E)");
        }
        Var cos = L2Normalize.rows(p).mul(L2Normalize.rows(Var.of(z))).sum(false, 1); // (B)
        return cos.mul(-2).add(2).mean();
    }
}
