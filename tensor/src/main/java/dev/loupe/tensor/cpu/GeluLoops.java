package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact GELU, x Phi(x), and its fused backward g (Phi(x) + x phi(x)), in passes over blocks of
 * {@link #CHUNK} elements that stay in L1: the exponent of erfc, the exponentials
 * ({@link VectorMath#expInPlace}), then the finish. Each pass spells its arithmetic out in its loop
 * body rather than calling helpers: with the erfc polynomial, the exponential and the finish behind
 * calls, C2 stops inlining some of them and boxes every vector (12-20 ns per element). The tail of a
 * block is padded to a whole vector and goes through the same loops, so every element gets the same
 * arithmetic wherever a run is split.
 *
 * <p>Phi(x) = erfc(-x / sqrt 2) / 2 for every x (erfc(z) = t exp(-z^2 + Q(t)), t = 1 / (1 + z/2),
 * relative error 1.2e-7): near x = 0 Phi is close to 1/2, so its absolute error stays below 1e-7 and
 * x Phi keeps its relative accuracy; the negative tail keeps relative accuracy because it never goes
 * through 1 - erfc. The scalar twins are {@link dev.loupe.tensor.UnaryOp#GELU} and UnaryDerivative.
 */
final class GeluLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** 1024 floats per array: x, g, o and the pdf scratch, 16 KB, stay in L1 across the passes. */
    private static final int CHUNK = 1024;

    private static final float INV_SQRT2 = 0.70710678118654752f, INV_SQRT_2PI = 0.3989422804014327f;

    private GeluLoops() {}

    /** o[oi + i] = gelu(x[xi + i]) for i in [0, n). */
    static void forward(float[] x, int xi, float[] o, int oi, int n) {
        int full = SPECIES.loopBound(n);
        for (int c = 0; c < full; c += CHUNK) forwardVectors(x, xi + c, o, oi + c, Math.min(CHUNK, full - c));
        if (full < n) {
            float[] xt = padded(x, xi + full, n - full), ot = new float[L];
            forwardVectors(xt, 0, ot, 0, L);
            System.arraycopy(ot, 0, o, oi + full, n - full);
        }
    }

    /** o[oi + i] = g[gi + i] gelu'(x[xi + i]) for i in [0, n). */
    static void backward(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int full = SPECIES.loopBound(n);
        float[] pdf = new float[Math.max(L, Math.min(CHUNK, full))];
        for (int c = 0; c < full; c += CHUNK)
            backwardVectors(x, xi + c, g, gi + c, o, oi + c, pdf, Math.min(CHUNK, full - c));
        if (full < n) {
            float[] xt = padded(x, xi + full, n - full), gt = padded(g, gi + full, n - full), ot = new float[L];
            backwardVectors(xt, 0, gt, 0, ot, 0, pdf, L);
            System.arraycopy(ot, 0, o, oi + full, n - full);
        }
    }

    private static float[] padded(float[] a, int from, int count) {
        float[] t = new float[L];
        System.arraycopy(a, from, t, 0, count);
        return t;
    }

    /** One block of n (a multiple of L) elements. */
    private static void forwardVectors(float[] x, int xi, float[] o, int oi, int n) {
        erfcExponents(x, xi, o, oi, n);
        VectorMath.expInPlace(o, oi, n);
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector t = v.abs().mul(INV_SQRT2).fma(0.5f, 1f);
            FloatVector tail = FloatVector.fromArray(SPECIES, o, oi + i).div(t).mul(0.5f); // Phi(-|x|) = t e / 2
            FloatVector phi = tail.blend(tail.neg().add(1f), v.compare(VectorOperators.GT, 0f));
            v.mul(phi).intoArray(o, oi + i);
        }
    }

    /** One block of n (a multiple of L) elements; pdf is scratch of at least n floats. */
    private static void backwardVectors(float[] x, int xi, float[] g, int gi, float[] o, int oi, float[] pdf, int n) {
        erfcExponents(x, xi, o, oi, n);
        VectorMath.expInPlace(o, oi, n);
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.mul(v).mul(-0.5f).intoArray(pdf, i); // -x^2 / 2
        }
        VectorMath.expInPlace(pdf, 0, n);
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector t = v.abs().mul(INV_SQRT2).fma(0.5f, 1f);
            FloatVector tail = FloatVector.fromArray(SPECIES, o, oi + i).div(t).mul(0.5f);
            FloatVector phi = tail.blend(tail.neg().add(1f), v.compare(VectorOperators.GT, 0f));
            FloatVector density = FloatVector.fromArray(SPECIES, pdf, i).mul(INV_SQRT_2PI);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(v.fma(density, phi)).intoArray(o, oi + i);
        }
    }

    /** o = -z^2 + Q(t) with z = |x| / sqrt 2, t = 1 / (1 + z/2), over n (a multiple of L) elements. */
    private static void erfcExponents(float[] x, int xi, float[] o, int oi, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector z = FloatVector.fromArray(SPECIES, x, xi + i).abs().mul(INV_SQRT2);
            FloatVector t = z.broadcast(1f).div(z.fma(0.5f, 1f));
            FloatVector q = t.fma(VectorMath.Q9, VectorMath.Q8);
            q = q.fma(t, z.broadcast(VectorMath.Q7));
            q = q.fma(t, z.broadcast(VectorMath.Q6));
            q = q.fma(t, z.broadcast(VectorMath.Q5));
            q = q.fma(t, z.broadcast(VectorMath.Q4));
            q = q.fma(t, z.broadcast(VectorMath.Q3));
            q = q.fma(t, z.broadcast(VectorMath.Q2));
            q = q.fma(t, z.broadcast(VectorMath.Q1));
            q = q.fma(t, z.broadcast(VectorMath.Q0));
            q.sub(z.mul(z)).intoArray(o, oi + i);
        }
    }
}
