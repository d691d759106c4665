package dev.loupe.ssl.simclr;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;

/**
 * SLIP's SimCLR projection MLP (models.py _build_mlp): Linear(D, hidden)-BN-ReLU-Linear(hidden,
 * hidden)-BN-ReLU-Linear(hidden, out). Shape: (N, D) -> (N, out). Names: layer1.*, bn1.*, layer2.*,
 * bn2.*, layer3.* (BatchNorm1d with torch's defaults; SLIP's is synchronised across processes).
 */
public final class SimClrHead extends Module {
    public final Linear layer1, layer2, layer3;
    public final BatchNorm1d bn1, bn2;

    /** SLIP: hidden 4096, out 256. */
    public SimClrHead(int inDim, int hiddenDim, int outDim, Rng rng) {
        if (inDim < 1 || hiddenDim < 1 || outDim < 1) {
            throw new IllegalArgumentException(
                    "SimCLR head sizes must be >= 1, got " + inDim + ", " + hiddenDim + ", " + outDim);
        }
        layer1 = child("layer1", new Linear(inDim, hiddenDim, true, rng));
        bn1 = child("bn1", new BatchNorm1d(hiddenDim));
        layer2 = child("layer2", new Linear(hiddenDim, hiddenDim, true, rng));
        bn2 = child("bn2", new BatchNorm1d(hiddenDim));
        layer3 = child("layer3", new Linear(hiddenDim, outDim, true, rng));
    }

    /** x: (N, D) -> (N, out). */
    public Var forward(Var x) {
        Var h = bn1.forward(layer1.forward(x)).relu();
        h = bn2.forward(layer2.forward(h)).relu();
        return layer3.forward(h);
    }
}
