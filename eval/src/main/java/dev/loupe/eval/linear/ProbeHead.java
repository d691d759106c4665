package dev.loupe.eval.linear;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * The classifier a linear probe trains on frozen features: MAE's BatchNorm1d(F, affine=False,
 * eps 1e-6) followed by Linear(F, K), or DINO's plain Linear(F, K). The linear weight starts as
 * trunc_normal(std 0.01) (MAE, following MoCo v3; DINO's normal(0, 0.01) differs only beyond
 * 200 standard deviations), the bias at 0. Parameter names: norm.running_mean, norm.running_var,
 * norm.num_batches_tracked (BatchNorm only), linear.weight (K, F), linear.bias (K).
 */
public final class ProbeHead extends Module {
    /** MAE's BatchNorm eps. */
    public static final double BN_EPS = 1e-6;

    public final BatchNorm1d norm; // null for the plain (DINO) head
    public final Linear linear;

    public ProbeHead(int features, int classes, boolean batchNorm, Rng rng) {
        if (features < 1 || classes < 1) {
            throw new IllegalArgumentException(
                    "probe head: need features and classes >= 1, got " + features + " and " + classes);
        }
        norm = batchNorm ? child("norm", new BatchNorm1d(features, BN_EPS, 0.1, false)) : null;
        linear = child("linear", new Linear(features, classes, true, rng));
        linear.weight.data().copyFrom(Tensor.truncNormal(rng, 0.01, -2, 2, classes, features));
    }

    /** x: (B, F) -> logits (B, K). */
    public Var forward(Var x) {
        return linear.forward(norm == null ? x : norm.forward(x));
    }
}
