package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;

/**
 * SwiGLU feed-forward (DINOv2's fused form): [x1 | x2] = w12(x); w3(silu(x1) * x2).
 * Hidden width ((int(4D * 2/3) + 7) / 8) * 8 by default (see {@link #defaultHidden}).
 * Shape: (..., D) -> (..., D).
 */
public final class SwiGLU extends Module {
    public final Linear w12, w3;
    private final int hidden;

    public SwiGLU(int dim, int hidden, Rng rng) {
        this.hidden = hidden;
        this.w12 = child("w12", new Linear(dim, 2 * hidden, true, rng));
        this.w3 = child("w3", new Linear(hidden, dim, true, rng));
    }

    /** DINOv2's hidden width for an MLP ratio of 4: two thirds of 4D, rounded up to a multiple of 8. */
    public static int defaultHidden(int dim) {
        return ((int) (4 * dim * 2.0 / 3) + 7) / 8 * 8;
    }

    public Var forward(Var x) {
        Var h = w12.forward(x); // (..., 2 hidden)
        Var x1 = h.narrow(-1, 0, hidden), x2 = h.narrow(-1, hidden, hidden);
        return w3.forward(x1.silu().mul(x2));
    }
}
