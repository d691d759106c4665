package dev.loupe.ssl.vicreg;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;

/**
 * VICReg's expander (main_vicreg.py Projector): Linear(D, hidden)-BN-ReLU-Linear(hidden, hidden)-BN-ReLU-
 * Linear(hidden, out, no bias). Shape: (N, D) -> (N, out). Names follow the reference's nn.Sequential
 * indices: 0.* (Linear), 1.* (BN), 3.*, 4.*, 6.weight (ReLUs at 2 and 5 hold nothing).
 */
public final class VicRegExpander extends Module {
    public final Linear fc1, fc2, fc3;
    public final BatchNorm1d bn1, bn2;

    /** The paper: hidden 8192, out 8192 (the "8192-8192-8192" expander on a 2048-wide ResNet-50). */
    public VicRegExpander(int inDim, int hiddenDim, int outDim, Rng rng) {
        if (inDim < 1 || hiddenDim < 1 || outDim < 1) {
            throw new IllegalArgumentException(
                    "VICReg expander sizes must be >= 1, got " + inDim + ", " + hiddenDim + ", " + outDim);
        }
        fc1 = child("0", new Linear(inDim, hiddenDim, true, rng));
        bn1 = child("1", new BatchNorm1d(hiddenDim));
        fc2 = child("3", new Linear(hiddenDim, hiddenDim, true, rng));
        bn2 = child("4", new BatchNorm1d(hiddenDim));
        fc3 = child("6", new Linear(hiddenDim, outDim, false, rng));
    }

    /** x: (N, D) -> (N, out). */
    public Var forward(Var x) {
        Var h = bn1.forward(fc1.forward(x)).relu();
        h = bn2.forward(fc2.forward(h)).relu();
        return fc3.forward(h);
    }
}
