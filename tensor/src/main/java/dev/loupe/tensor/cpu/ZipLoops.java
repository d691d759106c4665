package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One loop per hot binary op (add, sub, mul, div, max, min), each calling its Vector API intrinsic
 * directly. A shared loop that dispatches per vector through {@link VectorOps#apply} is not reliably
 * inlined by C2 ("callee is too large", or "already compiled into a big method" once the switch was
 * compiled on its own), and then every FloatVector is boxed: measured 10x slower on the ViT training
 * step's adds, intermittently, depending on compilation order.
 *
 * <p>Each loop: o[oi + i] = op(a[ai + i * sa], b[bi + i * sb]) for i in [0, n), with sa, sb in
 * {0, 1} and not both 0; the tail is one masked step, as in {@link VectorLoops#zip}.
 */
final class ZipLoops {
    private static final VectorSpecies<Float> S = VectorLoops.SPECIES;
    private static final int L = S.length();

    private ZipLoops() {}

    private static FloatVector load(float[] x, int xi, int sx, int i) {
        return sx == 1 ? FloatVector.fromArray(S, x, xi + i) : FloatVector.broadcast(S, x[xi]);
    }

    private static FloatVector loadTail(float[] x, int xi, int sx, int i, VectorMask<Float> m) {
        return sx == 1 ? FloatVector.fromArray(S, x, xi + i, m) : FloatVector.broadcast(S, x[xi]);
    }

    static void add(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).add(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).add(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }

    static void sub(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).sub(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).sub(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }

    static void mul(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).mul(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).mul(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }

    static void div(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).div(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).div(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }

    static void max(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).max(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).max(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }

    static void min(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L)
            load(a, ai, sa, i).min(load(b, bi, sb, i)).intoArray(o, oi + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            loadTail(a, ai, sa, i, m).min(loadTail(b, bi, sb, i, m)).intoArray(o, oi + i, m);
        }
    }
}
