package dev.loupe.ssl.dino;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.ssl.common.ModuleList;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * DINO's projection head (vision_transformer.py DINOHead, 3 layers, no batch norm):
 * Linear(D, hidden)-GELU-Linear(hidden, hidden)-GELU-Linear(hidden, bottleneck), L2-normalise, then a
 * weight-normalised Linear(bottleneck, K, no bias) whose rows are v / ||v|| scaled by weight_g.
 * Shape: (N, D) -> (N, K). Names: mlp.0.*, mlp.2.*, mlp.4.*, last_layer.weight_g (K, 1),
 * last_layer.weight_v (K, bottleneck). With {@code normLastLayer} (DINO's default) weight_g is fixed
 * to 1 and kept as a buffer, so it is in the state dict but not trained.
 */
public final class DinoHead extends Module {
    /** Holds weight_g and weight_v under the name {@code last_layer}, as torch's weight_norm does. */
    public static final class WeightNormLinear extends Module {
        public final Var weightV;
        private final Var weightG; // trainable gain, or null when fixed

        WeightNormLinear(int in, int out, boolean fixedNorm, Rng rng) {
            // torch's Linear default init: U(-1/sqrt(in), 1/sqrt(in)); weight_g then filled with 1
            double bound = 1.0 / Math.sqrt(in);
            Tensor v = Tensor.rand(rng, out, in).mul(2 * bound).sub(bound);
            if (fixedNorm) {
                buffer("weight_g", Tensor.ones(out, 1)); // the fixed gain
                weightG = null;
            } else {
                weightG = param("weight_g", Tensor.ones(out, 1));
            }
            weightV = param("weight_v", v);
        }

        /** x: (N, in) -> (N, out) with weight g * v / ||v_row||. */
        public Var forward(Var x) {
            // row norms: (out, 1); torch's weight_norm divides by the plain norm (no eps)
            Var rowNorm = weightV.mul(weightV).sum(true, 1).sqrt();
            Var gain = weightG != null ? weightG : Var.of(buffer("weight_g"));
            Var weight = weightV.mul(gain.div(rowNorm)); // (out, in)
            return x.matmul(weight.mT());
        }
    }

    private final ModuleList<Linear> mlp;
    private final WeightNormLinear lastLayer;
    private final int inDim;

    /**
     * @param inDim         backbone width D
     * @param outDim        prototypes K (65536 in DINO)
     * @param hiddenDim     MLP width (2048 in DINO)
     * @param bottleneckDim width before the last layer (256 in DINO)
     * @param normLastLayer fix weight_g to 1 (DINO's default)
     */
    public DinoHead(int inDim, int outDim, int hiddenDim, int bottleneckDim, boolean normLastLayer, Rng rng) {
        if (inDim < 1 || outDim < 1 || hiddenDim < 1 || bottleneckDim < 1) {
            throw new IllegalArgumentException("DinoHead: sizes must be >= 1, got in " + inDim + ", out " + outDim
                    + ", hidden " + hiddenDim + ", bottleneck " + bottleneckDim);
        }
        this.inDim = inDim;
        mlp = child("mlp", new ModuleList<>());
        mlp.add(new Linear(inDim, hiddenDim, true, rng)); // mlp.0
        mlp.skipIndex(); // mlp.1 GELU
        mlp.add(new Linear(hiddenDim, hiddenDim, true, rng)); // mlp.2
        mlp.skipIndex(); // mlp.3 GELU
        mlp.add(new Linear(hiddenDim, bottleneckDim, true, rng)); // mlp.4
        lastLayer = child("last_layer", new WeightNormLinear(bottleneckDim, outDim, normLastLayer, rng));
    }

    /** x: (N, D) -> (N, K). */
    public Var forward(Var x) {
        if (x.size(-1) != inDim)
            throw new IllegalArgumentException(
                    "DinoHead(" + inDim + "): input " + x.data().shape());
        // GELU in the linear layers' GEMM output pass (same values as forward(x).gelu())
        Var h = mlp.items().get(0).forward(x, UnaryOp.GELU); // (N, hidden)
        h = mlp.items().get(2).forward(h, UnaryOp.GELU); // (N, hidden)
        h = mlp.items().get(4).forward(h); // (N, bottleneck)
        return lastLayer.forward(L2Normalize.rows(h)); // (N, K)
    }

    public WeightNormLinear lastLayer() {
        return lastLayer;
    }
}
