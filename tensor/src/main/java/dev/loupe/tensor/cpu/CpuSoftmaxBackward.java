package dev.loupe.tensor.cpu;

import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward of softmax and log-softmax along one dim, from the forward output y and the incoming
 * gradient g, per row: softmax dx = y (g - sum(g y)); log-softmax dx = g - exp(y) sum(g).
 * Rows along the last dim of contiguous operands are the fast path (one row per work item, two passes
 * over a row in L1); another dim is moved last by transposed copies, as in {@link CpuSoftmax}.
 */
final class CpuSoftmaxBackward {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private CpuSoftmaxBackward() {}

    static void softmaxBackward(Tensor y, Tensor g, int dim, boolean log, Tensor out) {
        softmaxBackward(y, g, dim, log, out, KernelMode.SCALAR);
    }

    static void softmaxBackward(Tensor y, Tensor g, int dim, boolean log, Tensor out, boolean scalar) {
        String name = log ? "log_softmax_backward" : "softmax_backward";
        if (!y.dtype().isFloating()
                || g.dtype() != y.dtype()
                || out.dtype() != y.dtype()
                || !y.shape().equals(g.shape())
                || !y.shape().equals(out.shape())) {
            throw new IllegalArgumentException(name + ": y " + y.shape() + " " + y.dtype() + ", gradOut " + g.shape()
                    + " " + g.dtype() + " and out " + out.shape() + " " + out.dtype() + " must be floating and match");
        }
        int last = y.rank() - 1;
        if (y.numel() == 0) return;
        if (dim != last) {
            Tensor yt = y.transpose(dim, last).contiguous(),
                    gt = g.transpose(dim, last).contiguous();
            Tensor ot = Tensor.emptyLike(yt, yt.dtype(), yt.sizes());
            softmaxBackward(yt, gt, last, log, ot, scalar);
            out.transpose(dim, last).copyFrom(ot);
            return;
        }
        Tensor yc = y.contiguous(), gc = g.contiguous();
        Tensor oc = out.isContiguous() ? out : Tensor.emptyLike(out, out.dtype(), out.sizes());
        int n = y.size(last), rows = y.numel() / n;
        int yo = yc.offset(), go = gc.offset(), oo = oc.offset();
        int grain = Math.max(1, 16384 / n);
        switch (y.dtype()) {
            case F32 -> {
                float[] ya = CpuElementwise.host(yc).f32(),
                        ga = CpuElementwise.host(gc).f32(),
                        oa = CpuElementwise.host(oc).f32();
                Parallel.forRange(rows, grain, (start, end) -> {
                    for (int r = start; r < end; r++) {
                        if (scalar) rowScalar(ya, yo + r * n, ga, go + r * n, oa, oo + r * n, n, log);
                        else rowVector(ya, yo + r * n, ga, go + r * n, oa, oo + r * n, n, log);
                    }
                });
            }
            case F64 -> {
                double[] ya = CpuElementwise.host(yc).f64(),
                        ga = CpuElementwise.host(gc).f64(),
                        oa = CpuElementwise.host(oc).f64();
                Parallel.forRange(rows, grain, (start, end) -> {
                    for (int r = start; r < end; r++) rowF64(ya, yo + r * n, ga, go + r * n, oa, oo + r * n, n, log);
                });
            }
            default -> throw new IllegalArgumentException(name + ": needs a floating tensor, got " + y.dtype());
        }
        if (oc != out) out.copyFrom(oc);
    }

    static void rowVector(float[] y, int yb, float[] g, int gb, float[] o, int ob, int n, boolean log) {
        int bound = SPECIES.loopBound(n), i;
        VectorMask<Float> tail = SPECIES.indexInRange(bound, n);
        FloatVector acc = FloatVector.zero(SPECIES);
        if (log) {
            for (i = 0; i < bound; i += L) acc = acc.add(FloatVector.fromArray(SPECIES, g, gb + i));
            if (i < n) acc = acc.add(FloatVector.fromArray(SPECIES, g, gb + i, tail));
        } else {
            for (i = 0; i < bound; i += L)
                acc = FloatVector.fromArray(SPECIES, g, gb + i).fma(FloatVector.fromArray(SPECIES, y, yb + i), acc);
            if (i < n)
                acc = FloatVector.fromArray(SPECIES, g, gb + i, tail)
                        .fma(FloatVector.fromArray(SPECIES, y, yb + i, tail), acc);
        }
        float s = Lanes.sum(acc);
        if (log) {
            // softmax = exp(log_softmax), in a pass of its own (VectorMath.expInPlace)
            float[] p = new float[n];
            System.arraycopy(y, yb, p, 0, n);
            VectorMath.expInPlace(p, 0, n);
            for (i = 0; i < n; i += L) {
                VectorMask<Float> m = SPECIES.indexInRange(i, n);
                FloatVector.fromArray(SPECIES, g, gb + i, m)
                        .sub(FloatVector.fromArray(SPECIES, p, i, m).mul(s))
                        .intoArray(o, ob + i, m);
            }
            return;
        }
        for (i = 0; i < n; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(SPECIES, y, yb + i, m),
                    gv = FloatVector.fromArray(SPECIES, g, gb + i, m);
            yv.mul(gv.sub(s)).intoArray(o, ob + i, m);
        }
    }

    static void rowScalar(float[] y, int yb, float[] g, int gb, float[] o, int ob, int n, boolean log) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += log ? g[gb + i] : g[gb + i] * y[yb + i];
        for (int i = 0; i < n; i++) {
            o[ob + i] = log ? g[gb + i] - (float) Math.exp(y[yb + i]) * s : y[yb + i] * (g[gb + i] - s);
        }
    }

    private static void rowF64(double[] y, int yb, double[] g, int gb, double[] o, int ob, int n, boolean log) {
        double s = 0;
        for (int i = 0; i < n; i++) s += log ? g[gb + i] : g[gb + i] * y[yb + i];
        for (int i = 0; i < n; i++) {
            o[ob + i] = log ? g[gb + i] - Math.exp(y[yb + i]) * s : y[yb + i] * (g[gb + i] - s);
        }
    }
}
