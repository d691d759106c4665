package dev.loupe.tensor.cpu;

import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax along one dim, numerically stable: each row is shifted by its maximum
 * before the exponential. Rows along the last dim of a contiguous tensor are the fast path (one
 * row per work item, three passes over a row that stays in L1); another dim is moved last by a
 * transposed copy, computed there, and copied back.
 *
 * <p>Per row (n elements): m = max x; e = exp(x - m); s = sum e; softmax = e * (1 / s),
 * log-softmax = (x - m) - log s.
 */
final class CpuSoftmax {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private CpuSoftmax() {}

    static void softmax(Tensor x, int dim, boolean log, Tensor out) {
        softmax(x, dim, log, out, KernelMode.SCALAR);
    }

    static void softmax(Tensor x, int dim, boolean log, Tensor out, boolean scalar) {
        String name = log ? "log_softmax" : "softmax";
        if (!x.shape().equals(out.shape())
                || x.dtype() != out.dtype()
                || !x.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": input " + x.shape() + " " + x.dtype() + " and output "
                    + out.shape() + " " + out.dtype() + " must be floating and match");
        }
        int last = x.rank() - 1;
        if (x.numel() == 0) return;
        if (dim != last) {
            Tensor xt = x.transpose(dim, last).contiguous();
            Tensor ot = Tensor.emptyLike(xt, xt.dtype(), xt.sizes());
            softmax(xt, last, log, ot, scalar);
            out.transpose(dim, last).copyFrom(ot);
            return;
        }
        Tensor xc = x.contiguous();
        Tensor oc = out.isContiguous() ? out : Tensor.emptyLike(out, out.dtype(), out.sizes());
        int n = x.size(last), rows = x.numel() / n;
        int xo = xc.offset(), oo = oc.offset();
        int grain = Math.max(1, 16384 / n);
        switch (x.dtype()) {
            case F32 -> {
                float[] xa = CpuElementwise.host(xc).f32(),
                        oa = CpuElementwise.host(oc).f32();
                Parallel.forRange(rows, grain, (start, end) -> {
                    for (int r = start; r < end; r++) {
                        if (scalar) rowScalar(xa, xo + r * n, oa, oo + r * n, n, log);
                        else rowVector(xa, xo + r * n, oa, oo + r * n, n, log);
                    }
                });
            }
            case F64 -> {
                double[] xa = CpuElementwise.host(xc).f64(),
                        oa = CpuElementwise.host(oc).f64();
                Parallel.forRange(rows, grain, (start, end) -> {
                    for (int r = start; r < end; r++) rowF64(xa, xo + r * n, oa, oo + r * n, n, log);
                });
            }
            default -> throw new IllegalArgumentException(name + ": needs a floating tensor, got " + x.dtype());
        }
        if (oc != out) out.copyFrom(oc);
    }

    static void rowVector(float[] x, int xb, float[] o, int ob, int n, boolean log) {
        int bound = SPECIES.loopBound(n), i;
        FloatVector mv = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (i = 0; i < bound; i += L) mv = mv.max(FloatVector.fromArray(SPECIES, x, xb + i));
        VectorMask<Float> tail = SPECIES.indexInRange(i, n);
        if (i < n) mv = mv.lanewise(VectorOperators.MAX, FloatVector.fromArray(SPECIES, x, xb + i, tail), tail);
        float m = mv.reduceLanes(VectorOperators.MAX);
        // o = x - m; the exponentials run as a pass of their own (VectorMath.expInPlace), into o for
        // softmax and into scratch for log_softmax, which needs x - m again
        for (i = 0; i < bound; i += L)
            FloatVector.fromArray(SPECIES, x, xb + i).sub(m).intoArray(o, ob + i);
        if (i < n) FloatVector.fromArray(SPECIES, x, xb + i, tail).sub(m).intoArray(o, ob + i, tail);
        float[] e = o;
        int eb = ob;
        if (log) {
            e = new float[n];
            eb = 0;
            System.arraycopy(o, ob, e, 0, n);
        }
        VectorMath.expInPlace(e, eb, n);
        FloatVector sv = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += L) sv = sv.add(FloatVector.fromArray(SPECIES, e, eb + i));
        if (i < n) sv = sv.add(FloatVector.fromArray(SPECIES, e, eb + i, tail), tail);
        float s = Lanes.sum(sv);
        if (log) {
            float ls = (float) Math.log(s);
            for (i = 0; i < bound; i += L)
                FloatVector.fromArray(SPECIES, o, ob + i).sub(ls).intoArray(o, ob + i);
            if (i < n) FloatVector.fromArray(SPECIES, o, ob + i, tail).sub(ls).intoArray(o, ob + i, tail);
        } else {
            float inv = 1f / s;
            for (i = 0; i < bound; i += L)
                FloatVector.fromArray(SPECIES, o, ob + i).mul(inv).intoArray(o, ob + i);
            if (i < n) FloatVector.fromArray(SPECIES, o, ob + i, tail).mul(inv).intoArray(o, ob + i, tail);
        }
    }

    static void rowScalar(float[] x, int xb, float[] o, int ob, int n, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[xb + i]);
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xb + i] - m);
            s += e;
            if (!log) o[ob + i] = e;
        }
        if (log) {
            float ls = (float) Math.log(s);
            for (int i = 0; i < n; i++) o[ob + i] = (x[xb + i] - m) - ls;
        } else {
            float inv = 1f / s;
            for (int i = 0; i < n; i++) o[ob + i] *= inv;
        }
    }

    private static void rowF64(double[] x, int xb, double[] o, int ob, int n, boolean log) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[xb + i]);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[xb + i] - m);
            s += e;
            if (!log) o[ob + i] = e;
        }
        if (log) {
            double ls = Math.log(s);
            for (int i = 0; i < n; i++) o[ob + i] = (x[xb + i] - m) - ls;
        } else {
            for (int i = 0; i < n; i++) o[ob + i] /= s;
        }
    }
}
