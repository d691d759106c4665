package dev.loupe.ssl.byol;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;

/**
 * BYOL's projector and predictor MLP (Grill et al. 2020): Linear(in, hidden)-BN-ReLU-Linear(hidden, out).
 * Shape: (N, in) -> (N, out). Names as an nn.Sequential: 0.* (Linear), 1.* (BN), 3.* (Linear).
 */
public final class ByolMlp extends Module {
    public final Linear fc1, fc2;
    public final BatchNorm1d bn;

    /** BYOL: hidden 4096, out 256. */
    public ByolMlp(int inDim, int hiddenDim, int outDim, Rng rng) {
        if (inDim < 1 || hiddenDim < 1 || outDim < 1) {
            throw new IllegalArgumentException(
                    "BYOL MLP sizes must be >= 1, got " + inDim + ", " + hiddenDim + ", " + outDim);
        }
        fc1 = child("0", new Linear(inDim, hiddenDim, true, rng));
        bn = child("1", new BatchNorm1d(hiddenDim));
        fc2 = child("3", new Linear(hiddenDim, outDim, true, rng));
    }

    /** x: (N, in) -> (N, out). */
    public Var forward(Var x) {
        return fc2.forward(bn.forward(fc1.forward(x)).relu());
    }
}
