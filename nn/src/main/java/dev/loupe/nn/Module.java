package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A building block with parameters, buffers and child modules, named by dotted paths
 * ({@code blocks.3.attn.qkv.weight}) that are also the checkpoint names, as in PyTorch.
 * Registration order is the iteration order.
 */
public abstract class Module {
    private final Map<String, Var> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter initialised to {@code init}. */
    protected final Var param(String name, Tensor init) {
        Var v = Var.param(init);
        requireNew(name);
        params.put(name, v);
        return v;
    }

    /**
     * Registers a non-trainable tensor that is part of the state (running statistics, fixed embeddings).
     * Read it back with {@link #buffer(String)} rather than keeping it in a field: {@link #to} replaces it.
     */
    protected final Tensor buffer(String name, Tensor value) {
        requireNew(name);
        buffers.put(name, value);
        return value;
    }

    /** The current value of this module's buffer {@code name}. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return t;
    }

    protected final <M extends Module> M child(String name, M module) {
        requireNew(name);
        children.put(name, module);
        return module;
    }

    private void requireNew(String name) {
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' registered twice");
        }
    }

    /** Every parameter under this module, by dotted path, in registration order. */
    public final Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    public final List<Var> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** This module and every module under it, depth first in registration order (torch's modules()). */
    public final List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        children.values().forEach(m -> out.addAll(m.modules()));
        return out;
    }

    /** Parameters and buffers by dotted path: what a checkpoint holds. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Var> p = new LinkedHashMap<>();
        Map<String, Tensor> b = new LinkedHashMap<>();
        collect("", p, b);
        Map<String, Tensor> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.data()));
        out.putAll(b);
        return out;
    }

    private void collect(String prefix, Map<String, Var> p, Map<String, Tensor> b) {
        params.forEach((k, v) -> p.put(prefix + k, v));
        if (b != null) buffers.forEach((k, v) -> b.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", p, b));
    }

    /** What loading a state dict found. */
    public record LoadReport(Set<String> missing, Set<String> unexpected, List<String> shapeMismatches) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty();
        }

        @Override
        public String toString() {
            return "missing keys " + missing + ", unexpected keys " + unexpected + ", shape mismatches "
                    + shapeMismatches;
        }
    }

    /**
     * Copies matching entries of {@code state} into this module's parameters and buffers (converted
     * to their dtype). With {@code strict}, any missing or unexpected key or shape mismatch is an
     * error that lists them all, and nothing is changed.
     */
    public final LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        Set<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        Set<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        List<String> mismatches = new ArrayList<>();
        own.forEach((k, t) -> {
            Tensor src = state.get(k);
            if (src != null && !src.shape().equals(t.shape())) {
                mismatches.add(k + ": checkpoint " + src.shape() + " vs model " + t.shape());
            }
        });
        LoadReport report = new LoadReport(missing, unexpected, mismatches);
        if (strict && !report.clean()) throw new IllegalArgumentException("load_state_dict: " + report);
        Map<String, Var> p = namedParameters();
        own.forEach((k, t) -> {
            Tensor src = state.get(k);
            if (src == null || !src.shape().equals(t.shape())) return;
            Var v = p.get(k);
            // the source may live on another device than the module (a device checkpoint into a host copy)
            if (v != null) v.updateInPlace(d -> d.copyFrom(src.to(d.device()).to(d.dtype())));
            else t.copyFrom(src.to(t.device()).to(t.dtype()));
        });
        return report;
    }

    /**
     * Moves every parameter and buffer under this module to {@code device} (torch's module.to(device));
     * returns this. Parameters move in place (the same Var); buffers are replaced, which is why modules
     * read them through {@link #buffer(String)}.
     */
    public final Module to(Device device) {
        namedParameters().values().forEach(v -> v.moveTo(device));
        moveBuffers(device);
        return this;
    }

    private void moveBuffers(Device device) {
        buffers.replaceAll((k, t) -> t.to(device));
        children.values().forEach(m -> m.moveBuffers(device));
    }

    /** Training mode (dropout, drop path, batch statistics) for this module and all children. */
    public void train(boolean on) {
        training = on;
        children.values().forEach(m -> m.train(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /**
     * Gives every stochastic module under this one (dropout, drop path) a fresh random stream that
     * depends only on {@code seed} and the module's dotted path, so a training step's randomness is a
     * function of (run seed, step) and a resumed run draws exactly what the straight run drew.
     * Children are visited in name order; a module with no randomness ignores the call.
     */
    public final void reseed(long seed) {
        reseedTree(seed, "");
    }

    private void reseedTree(long seed, String path) {
        onReseed(mixSeed(seed, pathHash(path)));
        new TreeMap<>(children).forEach((k, m) -> m.reseedTree(seed, path.isEmpty() ? k : path + "." + k));
    }

    /** Hook for modules that draw random numbers: replace the generator with one seeded by {@code seed}. */
    protected void onReseed(long seed) {}

    /** 64-bit FNV-1a of the path's UTF-16 units: fixed by this code, not by String.hashCode. */
    private static long pathHash(String path) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < path.length(); i++) {
            h ^= path.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** Combines two 64-bit values into a well-mixed seed: SplitMix64's finaliser over a * golden gamma + rotated b. */
    public static long mixSeed(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + Long.rotateLeft(b, 29) + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public final void zeroGrad() {
        namedParameters().values().forEach(Var::zeroGrad);
    }

    /** Total number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Var v : namedParameters().values()) n += v.data().numel();
        return n;
    }
}
