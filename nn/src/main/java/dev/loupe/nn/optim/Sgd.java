package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD as torch.optim.SGD (coupled weight decay): g <- g + wd p; b <- mu b + g (b = g at the first
 * step); step direction b, or g + mu b with Nesterov; p <- p - lr * direction.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final Map<String, Tensor> buffers = new HashMap<>();

    public Sgd(List<ParamGroup> groups, double lr, double momentum, boolean nesterov, double weightDecay) {
        super(groups, lr, weightDecay);
        if (nesterov && momentum <= 0) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, Var param, Tensor grad, double lr, double wd) {
        Tensor g = wd == 0 ? grad : grad.add(param.data().mul(wd));
        Tensor direction = g;
        if (momentum > 0) {
            Tensor buf = buffers.get(name);
            if (buf == null) buffers.put(name, buf = g.copy());
            else buf.copyFrom(buf.mul(momentum).add(g));
            direction = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        Tensor d = direction;
        param.updateInPlace(p -> p.copyFrom(p.sub(d.mul(lr))));
    }

    @Override
    protected void saveState(Map<String, Tensor> out) {
        buffers.forEach((k, t) -> out.put(k + ".momentum_buffer", t));
    }

    @Override
    protected void loadState(Map<String, Tensor> state) {
        buffers.clear();
        state.forEach((k, t) -> {
            if (k.endsWith(".momentum_buffer")) buffers.put(k.substring(0, k.length() - 16), t.copy());
        });
    }
}
