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
 * <p>Accuracy against the twin: GELU's Phi comes from {@link VectorMath}'s erf / erfc (about 2.5e-7
 * absolute), the rest from the Vector API's exp / tanh (a few ulp).
 */
final class UnaryBackwardLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** GELU's block: 1024 floats of x, g and o, 12 KB, stay in L1 between its two passes. */
    private static final int CHUNK = 1024;
    private static final float INV_SQRT_2PI = 0.3989422804014327f;
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    private UnaryBackwardLoops() {}

    /** o[oi + i] = g[gi + i] * op'(x[xi + i]) for i in [0, n), all contiguous; op must be supported. */
    static void map(UnaryOp op, float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        switch (op) {
            case GELU -> gelu(x, xi, g, gi, o, oi, n);
            case GELU_TANH -> geluTanh(x, xi, g, gi, o, oi, n);
            case SILU -> silu(x, xi, g, gi, o, oi, n);
            case QUICK_GELU -> quickGelu(x, xi, g, gi, o, oi, n);
            case SIGMOID -> sigmoid(x, xi, g, gi, o, oi, n);
            case TANH -> tanh(x, xi, g, gi, o, oi, n);
            case RELU -> relu(x, xi, g, gi, o, oi, n);
            case EXP -> exp(x, xi, g, gi, o, oi, n);
            default -> throw new IllegalArgumentException("unary_backward: no fused derivative for " + op);
        }
    }

    /**
     * GELU in two passes over blocks of {@link #CHUNK} elements that stay in L1: o = Phi(x), then
     * o = g (Phi + x phi(x)). One loop body with both halves exceeds C2's node budget
     * (NodeCountInliningCutoff), its polynomial steps stop inlining and every vector is boxed.
     */
    private static void gelu(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            normalCdf(x, xi + c, o, oi + c, len);
            geluFinish(x, xi + c, g, gi + c, o, oi + c, len);
        }
    }

    private static void normalCdf(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            VectorMath.normalCdf(FloatVector.fromArray(SPECIES, x, xi + i)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            VectorMath.normalCdf(FloatVector.fromArray(SPECIES, x, xi + i, m)).intoArray(o, oi + i, m);
        }
    }

    /** o = g (o + x phi(x)), o holding Phi(x). */
    private static void geluFinish(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector d = v.fma(normalPdf(v), FloatVector.fromArray(SPECIES, o, oi + i));
            FloatVector.fromArray(SPECIES, g, gi + i).mul(d).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector d = v.fma(normalPdf(v), FloatVector.fromArray(SPECIES, o, oi + i, m));
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(d).intoArray(o, oi + i, m);
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

    private static void silu(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(swishD(v, 1f)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(swishD(v, 1f)).intoArray(o, oi + i, m);
        }
    }

    private static void quickGelu(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(swishD(v, 1.702f)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(swishD(v, 1.702f)).intoArray(o, oi + i, m);
        }
    }

    private static void sigmoid(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(sigmoidD(v)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(sigmoidD(v)).intoArray(o, oi + i, m);
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

    private static void exp(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(VectorMath.exp(v)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(VectorMath.exp(v)).intoArray(o, oi + i, m);
        }
    }

    /** phi(x) = exp(-x^2 / 2) / sqrt(2 pi). */
    private static FloatVector normalPdf(FloatVector x) {
        return VectorMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
    }

    private static FloatVector geluTanhD(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector t = VectorMath.tanh(x2.fma(0.044715f, 1f).mul(x).mul(SQRT_2_OVER_PI));
        FloatVector inner = x2.fma(3 * 0.044715f, 1f).mul(SQRT_2_OVER_PI);
        FloatVector half = x.broadcast(0.5f);
        FloatVector sech2 = t.mul(t).neg().add(1f);
        return t.fma(half, half).add(x.mul(half).mul(sech2).mul(inner));
    }

    /** s (1 + k x (1 - s)), s = sigmoid(k x). */
    private static FloatVector swishD(FloatVector x, float k) {
        FloatVector kx = x.mul(k);
        FloatVector s = VectorMath.sigmoid(kx);
        return kx.mul(s.neg().add(1f)).add(1f).mul(s);
    }

    private static FloatVector sigmoidD(FloatVector x) {
        FloatVector s = VectorMath.sigmoid(x);
        return s.mul(s.neg().add(1f));
    }

    private static FloatVector tanhD(FloatVector x) {
        FloatVector t = VectorMath.tanh(x);
        return t.mul(t).neg().add(1f);
    }

    private static FloatVector reluD(FloatVector x) {
        return x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f));
    }
}
