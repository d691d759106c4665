package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Stochastic depth: in training, each sample's residual branch is kept with probability
 * keep = 1 - rate and scaled by 1/keep (mask = floor(keep + U[0, 1))); identity in eval mode.
 * Shape: (B, ...) -> (B, ...).
 *
 * <p>Data parallel: after {@link #shard}(r, W) the rank draws the masks of all W ranks' rows in the
 * global order (local row i is global row i W + r under the loader's interleaved sharding, for any
 * number of views stacked view-major) and keeps its own, so the masks are those of one process with
 * the global batch.
 */
public final class DropPath extends Module {
    private final double rate;
    private Rng rng;
    private int rank, worldSize = 1;

    public DropPath(double rate, Rng rng) {
        if (rate < 0 || rate >= 1) throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + rate);
        this.rate = rate;
        this.rng = rng;
    }

    /** Whether forward returns its input unchanged (rate 0, or eval mode) and draws nothing. */
    public boolean isIdentity() {
        return rate == 0 || !isTraining();
    }

    public Var forward(Var x) {
        if (isIdentity()) return x;
        double keep = 1 - rate;
        int b = x.size(0);
        float[] mask = new float[b];
        for (int g = 0; g < b * worldSize; g++) {
            double u = rng.nextDouble();
            if (g % worldSize == rank) mask[g / worldSize] = (float) (Math.floor(keep + u) / keep);
        }
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        return x.mul(Var.of(Tensor.of(mask, shape).to(x.dtype()).to(x.data().device())));
    }

    /** A fresh stream for the next step ({@link Module#reseed}). */
    @Override
    protected void onReseed(long seed) {
        rng = new Rng(seed);
    }

    /** Draw the masks as rank {@code rank} of {@code worldSize} ranks sharing each global batch row by row (see the class comment). */
    public void shard(int rank, int worldSize) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize)
            throw new IllegalArgumentException("drop path: rank " + rank + " of " + worldSize);
        this.rank = rank;
        this.worldSize = worldSize;
    }

    public double rate() {
        return rate;
    }
}
