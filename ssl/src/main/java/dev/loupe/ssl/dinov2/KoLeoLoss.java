package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/**
 * Kozachenko-Leonenko entropy regulariser (DINOv2 koleo_loss.py): L2-normalise the rows (eps 1e-8),
 * find each row's nearest neighbour by the largest dot product excluding itself, and return
 * -mean log(||x_i - x_nn(i) + 1e-8|| + 1e-8) (torch's PairwiseDistance adds its eps to the
 * difference). Gradients flow through both x_i and its neighbour; the neighbour choice is constant.
 */
public final class KoLeoLoss {
    /** DINOv2's eps for the normalisation, the distance and the log. */
    public static final double EPS = 1e-8;

    private KoLeoLoss() {}

    /** x: (B, D) with B >= 2 -> scalar. */
    public static Var loss(Var x) {
        if (x.rank() != 2 || x.size(0) < 2) {
            throw new IllegalArgumentException(
                    "KoLeo: input must be (B >= 2, D), got " + x.data().shape());
        }
        Var unit = L2Normalize.rows(x, EPS); // (B, D)
        Tensor neighbours = nearestNeighbours(unit.data()); // (B) I64
        Var diff = unit.sub(unit.indexSelect(0, neighbours)).add(EPS); // (B, D)
        Var distances = diff.mul(diff).sum(false, 1).sqrt(); // (B)
        return distances.add(EPS).log().mean().neg();
    }

    /** For unit rows (B, D): the index of the row with the largest dot product, the diagonal set to -1. */
    static Tensor nearestNeighbours(Tensor unit) {
        int b = unit.size(0);
        Tensor dots = unit.matmul(unit.mT()).contiguous(); // (B, B)
        for (int i = 0; i < b; i++) dots.setDouble(-1, i, i);
        return dots.argmax(1, false).to(DType.I64);
    }
}
