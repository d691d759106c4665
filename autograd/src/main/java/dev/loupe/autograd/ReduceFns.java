package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;

/** Reductions. Gradients are broadcast back over the reduced dims. */
final class ReduceFns {
    private ReduceFns() {}

    static Var sum(Var a, boolean keepdim, int... dims) {
        Tensor x = a.data();
        int[] kept = keptShape(x, dims);
        return Var.record("sum", x.sum(keepdim, dims), new Var[] {a}, new Var[0], g ->
                new Tensor[] {g.reshape(kept).expand(x.sizes())});
    }

    static Var mean(Var a, boolean keepdim, int... dims) {
        Tensor x = a.data();
        int[] kept = keptShape(x, dims);
        double n = (double) x.numel() / Math.max(1, product(kept));
        return Var.record("mean", x.mean(keepdim, dims), new Var[] {a}, new Var[0], g ->
                new Tensor[] {g.reshape(kept).div(n).expand(x.sizes())});
    }

    /** amax: the gradient is shared evenly among tied maxima (as torch.amax). */
    static Var max(Var a, boolean keepdim, int... dims) {
        return extremum("amax", a, true, keepdim, dims);
    }

    static Var min(Var a, boolean keepdim, int... dims) {
        return extremum("amin", a, false, keepdim, dims);
    }

    private static Var extremum(String op, Var a, boolean max, boolean keepdim, int... dims) {
        Tensor x = a.data();
        Tensor m = max ? x.max(true, dims) : x.min(true, dims);
        Tensor out = keepdim ? m : m.reshape(reducedShape(x, dims));
        return Var.record(op, out, new Var[] {a}, new Var[] {a}, g -> {
            Tensor hit = x.eq(m).to(g.dtype());
            Tensor count = hit.sum(true, dims);
            return new Tensor[] {hit.div(count).mul(g.reshape(m.sizes()))};
        });
    }

    static Var var(Var a, int correction, boolean keepdim, int... dims) {
        Tensor x = a.data();
        int[] kept = keptShape(x, dims);
        double n = (double) x.numel() / Math.max(1, product(kept));
        Var centred = a.sub(a.mean(true, dims));
        return centred.mul(centred).sum(keepdim, dims).div(Math.max(0, n - correction));
    }

    /** x's shape with the reduced dims set to 1 (all dims when none given). */
    static int[] keptShape(Tensor x, int[] dims) {
        int[] kept = x.sizes();
        if (dims.length == 0) java.util.Arrays.fill(kept, 1);
        for (int d : dims) kept[d < 0 ? d + kept.length : d] = 1;
        return kept;
    }

    /** x's shape with the reduced dims removed. */
    private static int[] reducedShape(Tensor x, int[] dims) {
        int[] kept = keptShape(x, dims);
        boolean[] reduced = new boolean[kept.length];
        if (dims.length == 0) java.util.Arrays.fill(reduced, true);
        for (int d : dims) reduced[d < 0 ? d + kept.length : d] = true;
        int[] out = new int[kept.length];
        int n = 0;
        for (int i = 0; i < kept.length; i++) if (!reduced[i]) out[n++] = kept[i];
        return java.util.Arrays.copyOf(out, n);
    }

    private static long product(int[] s) {
        long p = 1;
        for (int v : s) p *= v;
        return p;
    }
}
