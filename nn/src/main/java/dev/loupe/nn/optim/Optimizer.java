package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. The learning rate and weight decay are set per step
 * (schedules drive them from outside), and state (moments, step count) saves and loads by
 * parameter name so a run resumes exactly.
 */
public abstract class Optimizer {
    protected final List<ParamGroup> groups;
    protected double lr;
    protected double weightDecay;
    protected long step;

    protected Optimizer(List<ParamGroup> groups, double lr, double weightDecay) {
        this.groups = List.copyOf(groups);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    public void setLr(double lr) { this.lr = lr; }

    public double lr() { return lr; }

    public void setWeightDecay(double wd) { this.weightDecay = wd; }

    public double weightDecay() { return weightDecay; }

    public long stepCount() { return step; }

    public List<ParamGroup> groups() { return groups; }

    /** Applies one update to every parameter that has a gradient; parameters without one are skipped. */
    public final void step() {
        step++;
        for (ParamGroup g : groups) {
            double groupLr = lr * g.lrScale(), groupWd = g.weightDecay() ? weightDecay : 0;
            g.params().forEach((name, p) -> {
                if (p.grad() != null) update(name, p, p.grad(), groupLr, groupWd);
            });
        }
    }

    /** One parameter's update; called with the effective lr and weight decay of its group. */
    protected abstract void update(String name, Var param, Tensor grad, double lr, double weightDecay);

    public final void zeroGrad() { groups.forEach(g -> g.params().values().forEach(Var::zeroGrad)); }

    /** State tensors by "name.slot" (for example "blocks.0.attn.qkv.weight.exp_avg"), plus the step count. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.ofLongs(new long[] {step}));
        saveState(out);
        return out;
    }

    public void loadStateDict(Map<String, Tensor> state) {
        Tensor s = state.get("step");
        if (s == null) throw new IllegalArgumentException("optimizer state has no 'step' entry");
        step = s.getLong(0);
        loadState(state);
    }

    protected abstract void saveState(Map<String, Tensor> out);

    protected abstract void loadState(Map<String, Tensor> state);
}
