package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * SGD as torch.optim.SGD (coupled weight decay): g <- g + wd p; b <- mu b + g (b = g at the first
 * step); step direction b, or g + mu b with Nesterov; p <- p - lr * direction. State slot:
 * "momentum_buffer" (torch's name), absent without momentum.
 */
public final class Sgd extends Optimizer {
    private static final String BUFFER = "momentum_buffer";
    private final double momentum;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, double lr, double momentum, boolean nesterov, double weightDecay) {
        super(groups, lr, weightDecay, BUFFER);
        if (nesterov && momentum <= 0) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, Var param, Tensor grad, double lr, double wd) {
        Tensor g = wd == 0 ? grad : grad.add(param.data().mul(wd));
        Tensor direction = g;
        if (momentum > 0) {
            Tensor buf = state(BUFFER, name);
            if (buf == null) putState(BUFFER, name, buf = g.copy());
            else buf.copyFrom(buf.mul(momentum).add(g));
            direction = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        Tensor d = direction;
        param.updateInPlace(p -> p.copyFrom(p.sub(d.mul(lr))));
    }
}
