package dev.loupe.ssl.common;

import dev.loupe.autograd.Var;

/**
 * x / max(||x||_2, eps) along the last dim, as torch.nn.functional.normalize(x, p=2, dim=-1, eps),
 * composed of differentiable Var ops. Shape: (..., D) -> (..., D).
 */
public final class L2Normalize {
    /** torch.nn.functional.normalize's default eps. */
    public static final double DEFAULT_EPS = 1e-12;

    private L2Normalize() {}

    /** Normalises the rows with eps 1e-12. */
    public static Var rows(Var x) {
        return rows(x, DEFAULT_EPS);
    }

    /** Normalises the rows: x / clamp_min(||x||, eps). */
    public static Var rows(Var x, double eps) {
        if (x.rank() < 1) throw new IllegalArgumentException("L2 normalise: needs at least one dim, got a scalar");
        // norm: (..., 1); sqrt of the sum of squares, then clamped below at eps as torch does
        Var norm = x.mul(x).sum(true, x.rank() - 1).sqrt();
        return x.div(norm.clamp(eps, Double.MAX_VALUE));
    }
}
