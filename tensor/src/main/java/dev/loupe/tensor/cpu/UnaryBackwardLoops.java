package dev.loupe.tensor.cpu;

import dev.loupe.tensor.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops of the fused unary backward o = g * op'(x), one loop per token for the reason given in
 * {@link UnaryLoops} (a per-vector switch or lambda stops inlining and boxes every vector). The
 * scalar twin is {@link UnaryDerivative}. Tails use a masked vector step; masked-off lanes load 0,
 * whose derivative is finite, and are never stored.
 *
 * <p>Accuracy against the twin: GELU ({@link GeluLoops}) within a few 1e-7, the rest through
 * {@link VectorMath}'s exp / tanh (a few ulp).
 */
final class UnaryBackwardLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    private UnaryBackwardLoops() {}

    /** o[oi + i] = g[gi + i] * op'(x[xi + i]) for i in [0, n), all contiguous; op must be supported. */
    static void map(UnaryOp op, float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        switch (op) {
            case GELU -> GeluLoops.backward(x, xi, g, gi, o, oi, n);
            case GELU_TANH -> geluTanh(x, xi, g, gi, o, oi, n);
            case SILU -> SigmoidLoops.backward(x, xi, g, gi, o, oi, n, 1f, true);
            case QUICK_GELU -> SigmoidLoops.backward(x, xi, g, gi, o, oi, n, 1.702f, true);
            case SIGMOID -> SigmoidLoops.backward(x, xi, g, gi, o, oi, n, 1f, false);
            case TANH -> tanh(x, xi, g, gi, o, oi, n);
            case RELU -> relu(x, xi, g, gi, o, oi, n);
            case EXP -> SigmoidLoops.expBackward(x, xi, g, gi, o, oi, n);
            default -> throw new IllegalArgumentException("unary_backward: no fused derivative for " + op);
        }
    }

    private static void geluTanh(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(geluTanhD(v)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(geluTanhD(v)).intoArray(o, oi + i, m);
        }
    }

    private static void tanh(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(tanhD(v)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(tanhD(v)).intoArray(o, oi + i, m);
        }
    }

    private static void relu(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(reluD(v)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(reluD(v)).intoArray(o, oi + i, m);
        }
    }

    private static FloatVector geluTanhD(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector t = VectorMath.tanh(x2.fma(0.044715f, 1f).mul(x).mul(SQRT_2_OVER_PI));
        FloatVector inner = x2.fma(3 * 0.044715f, 1f).mul(SQRT_2_OVER_PI);
        FloatVector half = x.broadcast(0.5f);
        FloatVector sech2 = t.mul(t).neg().add(1f);
        return t.fma(half, half).add(x.mul(half).mul(sech2).mul(inner));
    }

    private static FloatVector tanhD(FloatVector x) {
        FloatVector t = VectorMath.tanh(x);
        return t.mul(t).neg().add(1f);
    }

    private static FloatVector reluD(FloatVector x) {
        return x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f));
    }
}
