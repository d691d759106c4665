package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW as torch.optim.AdamW: p <- p (1 - lr wd); m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
 * p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Each parameter's update is one fused pass ({@link Fused#adamwStep}), in that order of operations.
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;
    private final Map<String, Tensor> expAvg = new HashMap<>(), expAvgSq = new HashMap<>();

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** torch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    @Override
    protected void update(String name, Var param, Tensor grad, double lr, double wd) {
        Tensor m = expAvg.computeIfAbsent(name, k -> Tensor.zeros(param.dtype(), param.sizes()));
        Tensor v = expAvgSq.computeIfAbsent(name, k -> Tensor.zeros(param.dtype(), param.sizes()));
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        param.updateInPlace(p -> Fused.adamwStep(p, grad, m, v, lr, beta1, beta2, eps, wd, bc1, bc2));
    }

    @Override
    protected void saveState(Map<String, Tensor> out) {
        expAvg.forEach((k, t) -> out.put(k + ".exp_avg", t));
        expAvgSq.forEach((k, t) -> out.put(k + ".exp_avg_sq", t));
    }

    @Override
    protected void loadState(Map<String, Tensor> state) {
        expAvg.clear();
        expAvgSq.clear();
        state.forEach((k, t) -> {
            if (k.endsWith(".exp_avg")) expAvg.put(k.substring(0, k.length() - 8), t.copy());
            else if (k.endsWith(".exp_avg_sq")) expAvgSq.put(k.substring(0, k.length() - 11), t.copy());
        });
    }
}
