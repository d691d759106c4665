package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** Per-channel scale gamma (D), initialised small (1e-5 in DINOv2 / Web-DINO). Shape: (..., D) -> (..., D). */
public final class LayerScale extends Module {
    public final Var gamma;

    public LayerScale(int dim, double init) {
        this.gamma = param("gamma", Tensor.full(DType.F32, init, dim));
    }

    public Var forward(Var x) {
        return x.mul(gamma);
    }
}
