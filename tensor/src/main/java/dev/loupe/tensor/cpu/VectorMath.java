package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Lanewise float functions the Vector API lacks (erf, erfc) and the activation functions built on
 * them. Each is branch-free: every lane computes every piece and a mask picks the answer, so the
 * result of a lane never depends on its neighbours or on where a run starts.
 *
 * <p>Accuracy (float lanes against the double {@link dev.loupe.tensor.Erf}): erf within about
 * 2.5e-7 absolute over the real line (ElementwiseKernelTest measures it); erfc within a few 1e-6 relative
 * for arguments up to 9, the loss coming from rounding x*x to float before the exponential.
 */
final class VectorMath {

    // erf(x) = x * P(x^2) on |x| <= 1: least-squares fit of erf(x)/x in x^2, degree 6
    // (numpy polyfit on 20000 points of [1e-4, 1]; max relative error 1.9e-7 in float arithmetic).
    private static final float P0 = 1.128379225730896f, P1 = -0.3761262893676758f, P2 = 0.11283634603023529f,
            P3 = -0.026856068521738052f, P4 = 0.005192956887185574f, P5 = -0.0008053741184994578f,
            P6 = 8.00684210844338e-05f;

    // erfc(z) = t exp(-z^2 + Q(t)), t = 1 / (1 + z/2), z >= 0 (Numerical Recipes' erfcc, relative
    // error 1.2e-7 in exact arithmetic).
    private static final float Q0 = -1.26551223f, Q1 = 1.00002368f, Q2 = 0.37409196f, Q3 = 0.09678418f,
            Q4 = -0.18628806f, Q5 = 0.27886807f, Q6 = -1.13520398f, Q7 = 1.48851587f, Q8 = -0.82215223f,
            Q9 = 0.17087277f;

    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    private VectorMath() {}

    /** One Horner step: p * x + c. */
    private static FloatVector horner(FloatVector p, FloatVector x, float c) {
        return p.fma(x, x.broadcast(c));
    }

    /** erf(x) for |x| <= 1 (odd polynomial). */
    private static FloatVector erfSmall(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(P6, P5);
        p = horner(horner(horner(horner(horner(p, x2, P4), x2, P3), x2, P2), x2, P1), x2, P0);
        return x.mul(p);
    }

    /** erfc(z) for z >= 0. Large z underflows to 0 through the exponential. */
    static FloatVector erfcPositive(FloatVector z) {
        FloatVector t = z.fma(0.5f, 1f);
        t = t.broadcast(1f).div(t);
        FloatVector q = t.fma(Q9, Q8);
        q = horner(horner(horner(horner(horner(horner(horner(horner(q, t, Q7), t, Q6), t, Q5), t, Q4), t, Q3), t, Q2), t, Q1), t, Q0);
        return t.mul(q.sub(z.mul(z)).lanewise(VectorOperators.EXP));
    }

    static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs();
        VectorMask<Float> small = a.compare(VectorOperators.LE, 1f);
        // 1 - erfc(|x|) with the sign of x; NaN stays NaN through erfcPositive.
        FloatVector large = a.broadcast(1f).sub(erfcPositive(a));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(erfSmall(x), small);
    }

    /**
     * Exact GELU: x Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2. For |z| > 1 Phi comes from erfc, so
     * the negative tail keeps its relative accuracy instead of cancelling in 1 + erf.
     */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector a = z.abs();
        FloatVector half = x.broadcast(0.5f);
        FloatVector tail = erfcPositive(a).mul(half);                      // Phi(-|z| sqrt 2)
        FloatVector phiLarge = tail.blend(half.add(half).sub(tail), z.compare(VectorOperators.GT, 0f));
        FloatVector phiSmall = erfSmall(z).fma(half, half);
        return x.mul(phiLarge.blend(phiSmall, a.compare(VectorOperators.LE, 1f)));
    }

    /**
     * The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, with {@link #gelu}'s split: from erfc
     * for |x / sqrt 2| > 1, so the negative tail keeps its relative accuracy. One erfc and one erf
     * polynomial per vector (GELU's backward needs Phi apart from x).
     */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector a = z.abs();
        FloatVector half = x.broadcast(0.5f);
        FloatVector tail = erfcPositive(a).mul(half);
        FloatVector phiLarge = tail.blend(half.add(half).sub(tail), z.compare(VectorOperators.GT, 0f));
        FloatVector phiSmall = erfSmall(z).fma(half, half);
        return phiLarge.blend(phiSmall, a.compare(VectorOperators.LE, 1f));
    }

    /** GELU, tanh form: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).fma(0.044715f, 1f).mul(x).mul(SQRT_2_OVER_PI);
        FloatVector half = x.mul(0.5f);
        return inner.lanewise(VectorOperators.TANH).fma(half, half);
    }

    /** 1 / (1 + exp(-x)); exp overflows to +inf for very negative x, giving 0 as it should. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = x.broadcast(1f);
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }

    /** x / (1 + exp(-k x)): SiLU for k = 1, QuickGELU for k = 1.702. */
    static FloatVector swish(FloatVector x, float k) {
        return x.div(x.mul(-k).lanewise(VectorOperators.EXP).add(1f));
    }

    /** torch.sign with Math.signum's rules: 0, -0 and NaN map to themselves. */
    static FloatVector sign(FloatVector x) {
        return x.blend(1f, x.compare(VectorOperators.GT, 0f)).blend(-1f, x.compare(VectorOperators.LT, 0f));
    }

    /** x > 0 ? x : 0, as the scalar definition (NaN maps to 0, -0 to +0). */
    static FloatVector relu(FloatVector x) {
        return x.broadcast(0f).blend(x, x.compare(VectorOperators.GT, 0f));
    }
}
