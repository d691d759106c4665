package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * AdamW as torch.optim.AdamW: p <- p (1 - lr wd); m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
 * p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Each parameter's update is one fused pass ({@link Fused#adamwStep}), in that order of operations.
 * State slots: "exp_avg" (m) and "exp_avg_sq" (v), torch's names; t counts this parameter's own updates
 * (steps where it had no gradient do not count), as torch's per-parameter step.
 */
public final class AdamW extends Optimizer {
    private static final String EXP_AVG = "exp_avg", EXP_AVG_SQ = "exp_avg_sq";
    private final double beta1, beta2, eps;

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, weightDecay, EXP_AVG, EXP_AVG_SQ);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** torch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    @Override
    protected boolean countsUpdates() {
        return true;
    }

    @Override
    protected void update(String name, Var param, Tensor grad, double lr, double wd) {
        Tensor m = stateOrZeros(EXP_AVG, name, param), v = stateOrZeros(EXP_AVG_SQ, name, param);
        long t = countUpdate(name);
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        param.updateInPlace(p -> Fused.adamwStep(p, grad, m, v, lr, beta1, beta2, eps, wd, bc1, bc2));
    }
}
