package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. The learning rate and weight decay are set per step
 * (schedules drive them from outside), and state (per-parameter slots such as moments, plus the
 * step count) saves and loads by "parameter name.slot" so a run resumes exactly.
 *
 * <p>Subclasses name their slots in the constructor and keep every per-parameter tensor in
 * {@link #state}/{@link #putState}, so saving, loading and validation live here once.
 */
public abstract class Optimizer {
    protected final List<ParamGroup> groups;
    protected double lr;
    protected double weightDecay;
    protected long step;
    private final List<String> slots;
    private final Map<String, Var> params = new LinkedHashMap<>();
    /** slot -> parameter name -> state tensor (same shape and dtype as the parameter). */
    private final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
    /** Per-parameter update counts, saved as "name.step" (torch's per-parameter state step). */
    private final Map<String, Long> updates = new LinkedHashMap<>();

    protected Optimizer(List<ParamGroup> groups, double lr, double weightDecay, String... slots) {
        this.groups = List.copyOf(groups);
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.slots = List.of(slots);
        for (String s : slots) state.put(s, new LinkedHashMap<>());
        Map<String, String> groupOf = new LinkedHashMap<>();
        for (ParamGroup g : this.groups) {
            g.params().forEach((name, p) -> {
                String other = groupOf.putIfAbsent(name, g.name());
                // a parameter in two groups would be updated twice per step
                if (other != null)
                    throw new IllegalArgumentException(
                            "parameter '" + name + "' is in groups '" + other + "' and '" + g.name() + "'");
                params.put(name, p);
            });
        }
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    public double lr() {
        return lr;
    }

    public void setWeightDecay(double wd) {
        this.weightDecay = wd;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public long stepCount() {
        return step;
    }

    public List<ParamGroup> groups() {
        return groups;
    }

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

    public final void zeroGrad() {
        groups.forEach(g -> g.params().values().forEach(Var::zeroGrad));
    }

    /** The state tensor of {@code name} in {@code slot}, or null before the first update created it. */
    protected final Tensor state(String slot, String name) {
        return slotMap(slot).get(name);
    }

    /** The state tensor of {@code name} in {@code slot}, created as zeros shaped like the parameter. */
    protected final Tensor stateOrZeros(String slot, String name, Var param) {
        return slotMap(slot)
                .computeIfAbsent(name, k -> Tensor.zeros(param.data().device(), param.dtype(), param.sizes()));
    }

    protected final void putState(String slot, String name, Tensor t) {
        slotMap(slot).put(name, t);
    }

    /**
     * Counts an update of {@code name} and returns its count, this one included. Unlike the global
     * step it skips steps where the parameter had no gradient (a frozen last layer), as torch's
     * per-parameter step does, so bias corrections match torch.
     */
    protected final long countUpdate(String name) {
        return updates.merge(name, 1L, Long::sum);
    }

    /** Whether this optimiser calls {@link #countUpdate}, so its saved state must hold "name.step" counts. */
    protected boolean countsUpdates() {
        return false;
    }

    private Map<String, Tensor> slotMap(String slot) {
        Map<String, Tensor> m = state.get(slot);
        if (m == null)
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + " has no state slot '" + slot + "' (slots " + slots + ")");
        return m;
    }

    /**
     * State tensors by "name.slot" (for example "blocks.0.attn.qkv.weight.exp_avg") in parameter
     * order, "name.step" (I64, one element) for optimisers that count updates per parameter, plus
     * "step" (I64, one element) for the number of {@link #step()} calls. The tensors are the live
     * state, updated in place by the next {@link #step()}: write or copy them before stepping again.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.ofLongs(new long[] {step}));
        params.keySet().forEach(name -> {
            slots.forEach(slot -> {
                Tensor t = state.get(slot).get(name);
                if (t != null) out.put(name + "." + slot, t);
            });
            Long n = updates.get(name);
            if (n != null) out.put(name + ".step", Tensor.ofLongs(new long[] {n}));
        });
        return out;
    }

    /**
     * Replaces the step count and all state with copies of {@code saved} (converted to each
     * parameter's dtype). Every entry must be "step", "name.slot" for a parameter of this optimiser
     * with the parameter's shape, or "name.step" where the optimiser counts updates; a parameter has
     * either all of these or none (none: it has not been updated yet). Otherwise nothing changes and
     * the error lists every problem.
     */
    public void loadStateDict(Map<String, Tensor> saved) {
        String who = getClass().getSimpleName() + ".loadStateDict";
        Tensor s = saved.get("step");
        if (s == null) throw new IllegalArgumentException(who + ": state has no 'step' entry");
        if (s.numel() != 1)
            throw new IllegalArgumentException(who + ": 'step' must have one element, got shape " + s.shape());
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Tensor>> loaded = new LinkedHashMap<>();
        slots.forEach(slot -> loaded.put(slot, new LinkedHashMap<>()));
        Map<String, Long> counts = new LinkedHashMap<>();
        saved.forEach((key, t) -> {
            if (key.equals("step")) return;
            if (key.endsWith(".step")) {
                String name = key.substring(0, key.length() - 5);
                if (!params.containsKey(name)) problems.add("'" + key + "' is for unknown parameter '" + name + "'");
                else if (t.numel() != 1) problems.add("'" + key + "' must have one element, got shape " + t.shape());
                else counts.put(name, (long) t.item());
                return;
            }
            String slot = slotOf(key);
            if (slot == null) {
                problems.add(
                        "'" + key + "' names no state slot of " + getClass().getSimpleName() + " " + slots);
                return;
            }
            String name = key.substring(0, key.length() - slot.length() - 1);
            Var p = params.get(name);
            if (p == null) problems.add("'" + key + "' is for unknown parameter '" + name + "'");
            else if (!t.shape().equals(p.data().shape()))
                problems.add("'" + key + "' has shape " + t.shape() + " but parameter '" + name + "' has "
                        + p.data().shape());
            else loaded.get(slot).put(name, t);
        });
        params.keySet().forEach(name -> {
            List<String> has = new ArrayList<>(), lacks = new ArrayList<>();
            slots.forEach(slot -> (loaded.get(slot).containsKey(name) ? has : lacks).add(slot));
            if (!has.isEmpty() && !lacks.isEmpty())
                problems.add("parameter '" + name + "' has state " + has + " but lacks " + lacks);
            // a parameter with moments but no count would restart its bias correction
            if (countsUpdates() && !has.isEmpty() != counts.containsKey(name)) {
                problems.add("parameter '" + name + "' has "
                        + (has.isEmpty()
                                ? "an update count but no state"
                                : "state but no update count '" + name + ".step'"));
            }
            if (!countsUpdates() && counts.containsKey(name)) {
                problems.add("'" + name + ".step' is an update count, which "
                        + getClass().getSimpleName() + " does not keep");
            }
        });
        if (!problems.isEmpty())
            throw new IllegalArgumentException(
                    who + ": " + problems.size() + " problem(s): " + String.join("; ", problems));
        step = (long) s.item();
        updates.clear();
        updates.putAll(counts);
        loaded.forEach((slot, byName) -> {
            Map<String, Tensor> m = state.get(slot);
            m.clear();
            byName.forEach((name, t) -> m.put(
                    name,
                    t.to(params.get(name).dtype()).to(params.get(name).data().device())));
        });
    }

    /** The longest slot that {@code key} ends with after a dot, or null. */
    private String slotOf(String key) {
        String best = null;
        for (String slot : slots) {
            if (key.endsWith("." + slot)
                    && key.length() > slot.length() + 1
                    && (best == null || slot.length() > best.length())) best = slot;
        }
        return best;
    }
}
