package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import java.util.Collection;

/** Gradient clipping: by the global norm (torch.nn.utils.clip_grad_norm_) or per parameter (DINO). */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients by max / (norm + 1e-6) when their joint L2 norm exceeds max; returns the norm. */
    public static double clipGlobalNorm(Collection<Var> params, double max) {
        double sq = 0;
        for (Var p : params)
            if (p.grad() != null) sq += p.grad().mul(p.grad()).sum().item();
        double norm = Math.sqrt(sq);
        double coef = max / (norm + 1e-6);
        if (coef < 1)
            for (Var p : params) if (p.grad() != null) p.setGrad(p.grad().mul(coef));
        return norm;
    }

    /** DINO's clip_gradients: each parameter's gradient scaled to norm at most max. */
    public static void clipPerParameter(Collection<Var> params, double max) {
        for (Var p : params) {
            if (p.grad() == null) continue;
            Tensor g = p.grad();
            double norm = Math.sqrt(g.mul(g).sum().item());
            double coef = max / (norm + 1e-6);
            if (coef < 1) p.setGrad(g.mul(coef));
        }
    }
}
