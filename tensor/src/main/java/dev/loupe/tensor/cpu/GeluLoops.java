package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact GELU, x Phi(x), and its fused backward g (Phi(x) + x phi(x)), one pass per element with a
 * single exponential and a single division.
 *
 * <p>Phi(-|x|) = erfc(z) / 2, z = |x| / sqrt 2, is written erfc(z) = t R(t) exp(-z^2) with
 * t = 1 / (1 + z/2) and R a degree-8 polynomial (least-squares fit of erfc(z) exp(z^2) / t on
 * z in [0, 9.5], see {@link #H8}; relative error 1.1e-7 in float
 * Horner arithmetic). exp(-z^2) = exp(-x^2 / 2) is also the normal density's exponential, so the
 * backward needs no second one. x^2 is split into hi + lo (lo from an fma) and lo goes into the
 * reduced argument, so the negative tail keeps its relative accuracy (the rounding of x^2 would
 * cost x^2 * 6e-8 relative). Near x = 0 Phi is close to 1/2, so its absolute error stays below 1e-7
 * and x Phi keeps its relative accuracy; Phi(|x|) = 1 - Phi(-|x|).
 *
 * <p>The loop bodies spell all arithmetic out instead of calling helpers: with the exponential behind
 * a call C2 may stop inlining and box every vector (12-20 ns per element). Each lane's result depends
 * only on its own input, and a run's tail is padded to a whole vector and goes through the same loop,
 * so every element gets the same bits wherever a run is split (GemmEpilogue relies on that).
 * Arguments with x^2 / 2 > 87 (|x| > 13.19) take exp = 0: Phi(-|x|) is then below 1e-38. The scalar
 * twins are {@link dev.loupe.tensor.UnaryOp#GELU} and UnaryDerivative.
 */
final class GeluLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** 1 / (2 sqrt 2): t = 1 / (1 + |x| / (2 sqrt 2)). */
    private static final float INV_2SQRT2 = 0.35355339059327373f, INV_SQRT_2PI = 0.3989422804014327f;
    /** Below this exponent exp(-x^2 / 2) is taken as 0 (2^n stays a normal float above it). */
    private static final float EXP_LOW = -87f;

    private static final int ROUNDER_BITS = Float.floatToRawIntBits(VectorMath.ROUNDER);

    /**
     * R(t) / 2, highest degree first: numpy least squares on 3000 Chebyshev points of t in
     * [2 / 11.5, 1], target erfc(z) exp(z^2) / t (mpmath, 30 digits), reweighted towards minimax
     * relative error; the fitted float coefficients halved (exactly).
     */
    private static final float H8 = -0.029445663f,
            H7 = 0.1418523f,
            H6 = -0.24269454f,
            H5 = 0.13799208f,
            H4 = -0.01259084f,
            H3 = 0.10103573f,
            H2 = 0.12163031f,
            H1 = 0.14117676f,
            H0 = 0.14104384f;

    private GeluLoops() {}

    /** o[oi + i] = gelu(x[xi + i]) for i in [0, n); x and o may be the same array (in place). */
    static void forward(float[] x, int xi, float[] o, int oi, int n) {
        int full = SPECIES.loopBound(n);
        forwardVectors(x, xi, o, oi, 0, 1, full);
        if (full < n) {
            float[] xt = padded(x, xi + full, n - full), ot = new float[L];
            forwardVectors(xt, 0, ot, 0, 0, 1, L);
            System.arraycopy(ot, 0, o, oi + full, n - full);
        }
    }

    /** o[oi + i] = g[gi + i] gelu'(x[xi + i]) for i in [0, n). */
    static void backward(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        int full = SPECIES.loopBound(n);
        backwardVectors(x, xi, g, gi, o, oi, full);
        if (full < n) {
            float[] xt = padded(x, xi + full, n - full), gt = padded(g, gi + full, n - full), ot = new float[L];
            backwardVectors(xt, 0, gt, 0, ot, 0, L);
            System.arraycopy(ot, 0, o, oi + full, n - full);
        }
    }

    /**
     * o[oi + r * ld + j] = gelu(x[xi + r * ld + j]) for r < rows, j < cols: a block of a GEMM's output
     * in one loop nest (cols a multiple of L takes no padded tail). x and o may be the same array.
     */
    static void forwardRows(float[] x, int xi, float[] o, int oi, int ld, int rows, int cols) {
        if (cols % L != 0) {
            for (int r = 0; r < rows; r++) forward(x, xi + r * ld, o, oi + r * ld, cols);
            return;
        }
        forwardVectors(x, xi, o, oi, ld, rows, cols);
    }

    private static float[] padded(float[] a, int from, int count) {
        float[] t = new float[L];
        System.arraycopy(a, from, t, 0, count);
        return t;
    }

    /**
     * rows x cols (a multiple of L) elements, row r from xi + r * ld and oi + r * ld: one loop nest
     * for a whole GEMM block (a call per short row reloads the loop's constants every time; on
     * 2-vector rows that measured 0.8 against 0.5 ns per element).
     */
    private static void forwardVectors(float[] x, int xi, float[] o, int oi, int ld, int rows, int cols) {
        for (int row = 0, rx = xi, ro = oi; row < rows; row++, rx += ld, ro += ld) {
            for (int j = 0; j < cols; j += L) {
                int i = j;
                FloatVector v = FloatVector.fromArray(SPECIES, x, rx + i);
                FloatVector t = v.broadcast(1f).div(v.abs().fma(INV_2SQRT2, 1f));
                FloatVector r = t.fma(H8, H7);
                r = r.fma(t, v.broadcast(H6));
                r = r.fma(t, v.broadcast(H5));
                r = r.fma(t, v.broadcast(H4));
                r = r.fma(t, v.broadcast(H3));
                r = r.fma(t, v.broadcast(H2));
                r = r.fma(t, v.broadcast(H1));
                r = r.fma(t, v.broadcast(H0));
                // e = exp(-x^2 / 2), VectorMath.exp written out, with x^2 = hi + lo
                FloatVector hi = v.mul(v), lo = v.fma(v, hi.neg());
                FloatVector c = hi.mul(-0.5f);
                VectorMask<Float> under = c.compare(VectorOperators.LT, EXP_LOW);
                c = c.blend(EXP_LOW, under);
                FloatVector k = c.fma(v.broadcast(VectorMath.LOG2E), v.broadcast(VectorMath.ROUNDER));
                FloatVector kf = k.sub(VectorMath.ROUNDER);
                FloatVector red = kf.fma(v.broadcast(-VectorMath.LN2_HI), c);
                red = kf.fma(v.broadcast(-VectorMath.LN2_LO), red);
                red = lo.fma(v.broadcast(-0.5f), red);
                FloatVector p = red.fma(VectorMath.E0, VectorMath.E1);
                p = p.fma(red, v.broadcast(VectorMath.E2));
                p = p.fma(red, v.broadcast(VectorMath.E3));
                p = p.fma(red, v.broadcast(VectorMath.E4));
                p = p.fma(red, v.broadcast(VectorMath.E5));
                FloatVector scale = k.reinterpretAsInts()
                        .add(127 - ROUNDER_BITS)
                        .lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
                FloatVector e = p.mul(red.mul(red)).add(red).add(1f).mul(scale).blend(0f, under);
                FloatVector tail = t.mul(r).mul(e); // Phi(-|x|)
                FloatVector phi = tail.blend(tail.neg().add(1f), v.compare(VectorOperators.GT, 0f));
                v.mul(phi).intoArray(o, ro + i);
            }
        }
    }

    /** n (a multiple of L) elements: {@link #forwardVectors}'s Phi, plus x phi(x) from the same exponential. */
    private static void backwardVectors(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            FloatVector t = v.broadcast(1f).div(v.abs().fma(INV_2SQRT2, 1f));
            FloatVector r = t.fma(H8, H7);
            r = r.fma(t, v.broadcast(H6));
            r = r.fma(t, v.broadcast(H5));
            r = r.fma(t, v.broadcast(H4));
            r = r.fma(t, v.broadcast(H3));
            r = r.fma(t, v.broadcast(H2));
            r = r.fma(t, v.broadcast(H1));
            r = r.fma(t, v.broadcast(H0));
            FloatVector hi = v.mul(v), lo = v.fma(v, hi.neg());
            FloatVector c = hi.mul(-0.5f);
            VectorMask<Float> under = c.compare(VectorOperators.LT, EXP_LOW);
            c = c.blend(EXP_LOW, under);
            FloatVector k = c.fma(v.broadcast(VectorMath.LOG2E), v.broadcast(VectorMath.ROUNDER));
            FloatVector kf = k.sub(VectorMath.ROUNDER);
            FloatVector red = kf.fma(v.broadcast(-VectorMath.LN2_HI), c);
            red = kf.fma(v.broadcast(-VectorMath.LN2_LO), red);
            red = lo.fma(v.broadcast(-0.5f), red);
            FloatVector p = red.fma(VectorMath.E0, VectorMath.E1);
            p = p.fma(red, v.broadcast(VectorMath.E2));
            p = p.fma(red, v.broadcast(VectorMath.E3));
            p = p.fma(red, v.broadcast(VectorMath.E4));
            p = p.fma(red, v.broadcast(VectorMath.E5));
            FloatVector scale = k.reinterpretAsInts()
                    .add(127 - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            FloatVector e = p.mul(red.mul(red)).add(red).add(1f).mul(scale).blend(0f, under);
            FloatVector tail = t.mul(r).mul(e);
            FloatVector phi = tail.blend(tail.neg().add(1f), v.compare(VectorOperators.GT, 0f));
            FloatVector density = e.mul(INV_SQRT_2PI);
            FloatVector.fromArray(SPECIES, g, gi + i).mul(v.fma(density, phi)).intoArray(o, oi + i);
        }
    }
}
