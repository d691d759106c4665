package dev.loupe.ssl.vicreg;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;

/**
 * VICReg's criterion (Bardes et al. 2022; main_vicreg.py VICReg.forward) on the expander outputs za,
 * zb of two views:
 * <ul>
 *   <li>invariance: mean((za - zb)^2), over this rank's rows;</li>
 *   <li>variance: (mean_j relu(gamma - std_j(za)) + mean_j relu(gamma - std_j(zb))) / 2 with
 *       std_j = sqrt(var_j + eps), gamma 1, eps 1e-4, var unbiased over the global batch;</li>
 *   <li>covariance: sum of the squared off-diagonal entries of C(za) = za_c^T za_c / (N - 1) (za_c
 *       centred over the global batch of N rows), divided by D, plus the same for zb;</li>
 * </ul>
 * loss = invariance weight x invariance + variance weight x variance + covariance weight x covariance
 * (the paper's 25 / 25 / 1). Across ranks the variance and covariance see the embeddings of every
 * rank, gathered with gradients, as the reference's FullGatherLayer; the mean of the ranks' losses is
 * then the one-process loss of the global batch, and so are the averaged gradients.
 */
public final class VicRegLoss {
    /** The hinge's target standard deviation. */
    public static final double GAMMA = 1.0;
    /** Added to the variance under the square root. */
    public static final double EPS = 1e-4;

    /** The three weights: the paper's lambda (invariance), mu (variance), nu (covariance). */
    public record Weights(double invariance, double variance, double covariance) {
        public Weights {
            if (!(invariance >= 0) || !(variance >= 0) || !(covariance >= 0)) {
                throw new IllegalArgumentException("VICReg weights must be >= 0, got invariance " + invariance
                        + ", variance " + variance + ", covariance " + covariance);
            }
        }

        /** Bardes et al.: 25, 25, 1. */
        public static Weights paper() {
            return new Weights(25, 25, 1);
        }
    }

    /** The weighted total and its three unweighted terms, all scalars. */
    public record Terms(Var loss, Var invariance, Var variance, Var covariance) {}

    private VicRegLoss() {}

    /** za, zb: (B, D) expander outputs of two views -> the loss of one process. */
    public static Terms loss(Var za, Var zb, Weights weights) {
        return loss(za, zb, weights, Communicator.single());
    }

    /** za, zb: (b, D) this rank's expander outputs -> this rank's loss (variance and covariance over every rank's rows). */
    public static Terms loss(Var za, Var zb, Weights weights, Communicator comm) {
        if (za.rank() != 2 || !za.data().shape().equals(zb.data().shape())) {
            throw new IllegalArgumentException(
                    "VICReg: za " + za.data().shape() + " and zb " + zb.data().shape() + " must both be (B, D)");
        }
        int n = za.size(0) * comm.worldSize(), d = za.size(1);
        if (n < 2)
            throw new IllegalArgumentException(
                    "VICReg: needs a global batch of at least 2 rows to estimate variances, got " + n);
        Var invariance = za.sub(zb).pow(2).mean();
        Var xa = za.allGather(comm), xb = zb.allGather(comm); // (N, D)
        xa = xa.sub(xa.mean(true, 0));
        xb = xb.sub(xb.mean(true, 0));
        Var variance = stdHinge(xa, n).add(stdHinge(xb, n)).div(2);
        Tensor offDiagonal = Tensor.full(za.dtype(), 1, d, d)
                .sub(Tensor.eye(za.dtype(), d))
                .to(za.data().device()); // (D, D)
        Var covariance = offDiagonalSquares(xa, n, offDiagonal)
                .add(offDiagonalSquares(xb, n, offDiagonal))
                .div(d);
        Var loss = invariance
                .mul(weights.invariance())
                .add(variance.mul(weights.variance()))
                .add(covariance.mul(weights.covariance()));
        return new Terms(loss, invariance, variance, covariance);
    }

    /** x: (N, D) centred -> mean_j relu(gamma - sqrt(var_j + eps)), var unbiased. */
    private static Var stdHinge(Var x, int n) {
        Var std = x.pow(2).sum(false, 0).div(n - 1).add(EPS).sqrt(); // (D)
        return std.neg().add(GAMMA).relu().mean();
    }

    /** x: (N, D) centred -> sum of the squared off-diagonal entries of x^T x / (N - 1). */
    private static Var offDiagonalSquares(Var x, int n, Tensor offDiagonal) {
        Var cov = x.mT().matmul(x).div(n - 1); // (D, D)
        return cov.mul(Var.of(offDiagonal)).pow(2).sum();
    }
}
