package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Stochastic depth: in training, each sample's residual branch is kept with probability
 * keep = 1 - rate and scaled by 1/keep (mask = floor(keep + U[0, 1))); identity in eval mode.
 * Shape: (B, ...) -> (B, ...).
 */
public final class DropPath extends Module {
    private final double rate;
    private Rng rng;

    public DropPath(double rate, Rng rng) {
        if (rate < 0 || rate >= 1) throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + rate);
        this.rate = rate;
        this.rng = rng;
    }

    public Var forward(Var x) {
        if (rate == 0 || !isTraining()) return x;
        double keep = 1 - rate;
        int b = x.size(0);
        float[] mask = new float[b];
        for (int i = 0; i < b; i++) mask[i] = (float) (Math.floor(keep + rng.nextDouble()) / keep);
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        return x.mul(Var.of(Tensor.of(mask, shape).to(x.dtype()).to(x.data().device())));
    }

    /** A fresh stream for the next step ({@link Module#reseed}). */
    @Override
    protected void onReseed(long seed) { rng = new Rng(seed); }

    public double rate() { return rate; }
}
