package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * LARS as in MoCo v3 and MAE's linear probing (MAE util/lars.py). For a parameter of rank > 1:
 * g <- g + wd p, then g <- q g with the trust ratio q = eta ||p|| / ||g|| when both norms are
 * positive, else 1. Parameters of rank <= 1 (biases, norm gains) get neither decay nor scaling.
 * Then mu <- m mu + g (mu starts at zero) and p <- p - lr mu. State slot: "mu" (MAE's name).
 *
 * <p>The weight decay is the group's (0 in a no-decay group), so a rank > 1 parameter placed in a
 * no-decay group is still trust-scaled but not decayed, as in MAE with per-group weight decay.
 */
public final class Lars extends Optimizer {
    private static final String MU = "mu";
    private final double momentum, trustCoefficient;

    public Lars(List<ParamGroup> groups, double lr, double momentum, double trustCoefficient, double weightDecay) {
        super(groups, lr, weightDecay, MU);
        if (momentum < 0 || trustCoefficient <= 0) {
            throw new IllegalArgumentException(
                    "LARS: need momentum >= 0 and trust coefficient > 0, got " + momentum + " and " + trustCoefficient);
        }
        this.momentum = momentum;
        this.trustCoefficient = trustCoefficient;
    }

    /** MAE's defaults: momentum 0.9, trust coefficient 0.001. */
    public Lars(List<ParamGroup> groups, double lr, double weightDecay) {
        this(groups, lr, 0.9, 0.001, weightDecay);
    }

    @Override
    protected void update(String name, Var param, Tensor grad, double lr, double wd) {
        Tensor g = grad;
        if (param.rank() > 1) {
            Tensor p = param.data();
            if (wd != 0) g = g.add(p.mul(wd));
            double pn = l2(p), gn = l2(g);
            g = g.mul(pn > 0 && gn > 0 ? trustCoefficient * pn / gn : 1.0);
        }
        Tensor mu = stateOrZeros(MU, name, param);
        mu.copyFrom(mu.mul(momentum).add(g));
        param.updateInPlace(p -> p.copyFrom(p.sub(mu.mul(lr))));
    }

    /** ||t||_2 with squares summed in double (a float32 sum of many squares loses digits). */
    private static double l2(Tensor t) {
        Tensor d = t.to(DType.F64);
        return Math.sqrt(d.mul(d).sum().item());
    }
}
