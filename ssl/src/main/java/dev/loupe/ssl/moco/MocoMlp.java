package dev.loupe.ssl.moco;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * MoCo v3's projector and predictor MLP (Chen, Xie, He 2021): {@code layers} linear layers without bias,
 * each but the last followed by BatchNorm1d and ReLU, the last by BatchNorm1d without affine parameters.
 * Shape: (N, in) -> (N, out). Names as the reference's nn.Sequential: linear layers at 0, 3, 6, ...,
 * their batch norms at 1, 4, 7, ... (ReLU at 2, 5, ... holds nothing).
 */
public final class MocoMlp extends Module {
    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm1d> norms = new ArrayList<>();

    /** MoCo v3 for ViTs: projector 3 layers (in -> 4096 -> 4096 -> 256), predictor 2 layers (256 -> 4096 -> 256). */
    public MocoMlp(int layers, int inDim, int hiddenDim, int outDim, Rng rng) {
        if (layers < 1 || inDim < 1 || hiddenDim < 1 || outDim < 1) {
            throw new IllegalArgumentException("MoCo MLP needs layers and sizes >= 1, got layers " + layers + ", sizes "
                    + inDim + ", " + hiddenDim + ", " + outDim);
        }
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            int in = l == 0 ? inDim : hiddenDim, out = last ? outDim : hiddenDim;
            linears.add(child(String.valueOf(3 * l), new Linear(in, out, false, rng.split())));
            BatchNorm1d bn = last ? new BatchNorm1d(out, 1e-5, 0.1, false) : new BatchNorm1d(out);
            norms.add(child(String.valueOf(3 * l + 1), bn));
        }
    }

    /** x: (N, in) -> (N, out). */
    public Var forward(Var x) {
        for (int l = 0; l < linears.size(); l++) {
            x = norms.get(l).forward(linears.get(l).forward(x));
            if (l < linears.size() - 1) x = x.relu();
        }
        return x;
    }
}
