package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;

/** Layer norm over the last dim with affine weight (1) and bias (0). eps 1e-6 (timm / DINO / MAE), 1e-5 (CLIP). */
public final class LayerNorm extends Module {
    public final Var weight, bias;
    private final double eps;

    public LayerNorm(int dim, double eps) {
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dim));
        this.bias = param("bias", Tensor.zeros(dim));
    }

    /** x: (..., D) -> (..., D). */
    public Var forward(Var x) {
        return x.layerNorm(weight, bias, eps);
    }
}
