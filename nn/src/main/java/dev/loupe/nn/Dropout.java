package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Inverted dropout: in training, each element is kept with probability 1 - p and scaled by
 * 1/(1 - p), so eval mode is the identity (torch.nn.Dropout). Shape: any -> same.
 * The mask is drawn in row-major order from the {@link Rng} given at construction.
 */
public final class Dropout extends Module {
    private final double p;
    private Rng rng;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    public Var forward(Var x) {
        if (p == 0 || !isTraining()) return x;
        double keep = 1 - p;
        // p = 1 drops everything (torch returns zeros rather than dividing by 0)
        float scale = keep == 0 ? 0f : (float) (1 / keep);
        float[] mask = new float[x.data().numel()];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextDouble() < keep ? scale : 0f;
        return x.mul(Var.of(Tensor.of(mask, x.sizes()).to(x.dtype()).to(x.data().device())));
    }

    /** A fresh stream for the next step ({@link Module#reseed}). */
    @Override
    protected void onReseed(long seed) {
        rng = new Rng(seed);
    }

    public double p() {
        return p;
    }
}
