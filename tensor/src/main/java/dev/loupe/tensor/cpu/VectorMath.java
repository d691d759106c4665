package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanewise float functions the Vector API lacks (erf, erfc) or gives tier-dependent bits for (exp,
 * tanh), and the activation functions built on them. Each is branch-free: every lane computes every piece and a mask picks the answer, so the
 * result of a lane never depends on its neighbours or on where a run starts.
 *
 * <p>Accuracy (float lanes against the double {@link dev.loupe.tensor.Erf}): erf within about
 * 2.5e-7 absolute over the real line (ElementwiseKernelTest measures it); erfc within a few 1e-6 relative
 * for arguments up to 9, the loss coming from rounding x*x to float before the exponential.
 */
final class VectorMath {

    // erf(x) = x * P(x^2) on |x| <= 1: least-squares fit of erf(x)/x in x^2, degree 6
    // (numpy polyfit on 20000 points of [1e-4, 1]; max relative error 1.9e-7 in float arithmetic).
    private static final float P0 = 1.128379225730896f,
            P1 = -0.3761262893676758f,
            P2 = 0.11283634603023529f,
            P3 = -0.026856068521738052f,
            P4 = 0.005192956887185574f,
            P5 = -0.0008053741184994578f,
            P6 = 8.00684210844338e-05f;

    // erfc(z) = t exp(-z^2 + Q(t)), t = 1 / (1 + z/2), z >= 0 (Numerical Recipes' erfcc, relative
    // error 1.2e-7 in exact arithmetic).
    static final float Q0 = -1.26551223f,
            Q1 = 1.00002368f,
            Q2 = 0.37409196f,
            Q3 = 0.09678418f,
            Q4 = -0.18628806f,
            Q5 = 0.27886807f,
            Q6 = -1.13520398f,
            Q7 = 1.48851587f,
            Q8 = -0.82215223f,
            Q9 = 0.17087277f;

    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    // exp: x = n ln2 + r with |r| <= ln2 / 2, exp(r) = 1 + r + r^2 E(r) (Cephes expf, relative error
    // about 1 ulp), then scaled by 2^n in two exact steps so n = 128 and subnormal results work.
    static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    static final float E0 = 1.9875691500e-4f,
            E1 = 1.3981999507e-3f,
            E2 = 8.3334519073e-3f,
            E3 = 4.1665795894e-2f,
            E4 = 1.6666665459e-1f,
            E5 = 5.0000001201e-1f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    static final float ROUNDER = 12582912f;

    static final float EXP_MAX = 88.8f, EXP_MIN = -104f;

    // tanh on |x| < 0.625: x + x^3 T(x^2) (Cephes tanhf); above it 1 - 2 / (exp(2|x|) + 1).
    static final float T0 = -5.70498872745e-3f,
            T1 = 2.06390887954e-2f,
            T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f,
            T4 = -3.33332819422e-1f;

    // log: x = m 2^e with sqrt(1/2) <= m < sqrt(2), log(x) = e ln2 + log1p(f), f = m - 1, with
    // log1p(f) = f - f^2/2 + f^3 L(f) (Cephes logf, relative error about 1 ulp).
    static final float L0 = 7.0376836292e-2f,
            L1 = -1.1514610310e-1f,
            L2 = 1.1676998740e-1f,
            L3 = -1.2420140846e-1f,
            L4 = 1.4249322787e-1f,
            L5 = -1.6668057665e-1f,
            L6 = 2.0000714765e-1f,
            L7 = -2.4999993993e-1f,
            L8 = 3.3333331174e-1f;
    static final float SQRT_HALF = 0.707106781186547524f, MIN_NORMAL = Float.MIN_NORMAL, TWO_23 = 8388608f;

    private VectorMath() {}

    /**
     * Natural log from lanewise arithmetic and bit operations (see {@link #exp} for why not
     * {@code lanewise(LOG)}). log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf, NaN stays NaN;
     * subnormal inputs are scaled by 2^23 first.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_23), tiny);
        IntVector bits = xs.reinterpretAsInts();
        FloatVector e = bits.lanewise(VectorOperators.LSHR, 23)
                .sub(126)
                .convert(VectorOperators.I2F, 0)
                .reinterpretAsFloats();
        e = e.blend(e.sub(23f), tiny);
        FloatVector m = bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats(); // [0.5, 1)
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        e = e.blend(e.sub(1f), low);
        FloatVector f = m.sub(1f).blend(m.add(m).sub(1f), low); // [sqrt(1/2) - 1, sqrt(2) - 1)
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(L0, L1);
        p = horner(horner(horner(horner(horner(horner(horner(p, f, L2), f, L3), f, L4), f, L5), f, L6), f, L7), f, L8);
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(x.broadcast(LN2_LO), y);
        y = z.fma(x.broadcast(-0.5f), y);
        FloatVector r = f.add(y);
        r = e.fma(x.broadcast(LN2_HI), r);
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        r = r.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return r.blend(x, x.compare(VectorOperators.NE, x)); // NaN in, NaN out
    }

    /**
     * e^x built from lanewise add, multiply, fma and bit operations only. {@code lanewise(EXP)} is not
     * used because HotSpot computes it with different code in the interpreter and in C2 (measured: 55
     * of 4096 results differ in the last bit), which would make a run resumed in a fresh JVM drift from
     * the uninterrupted one. NaN stays NaN, +inf and x > 88.73 give +inf, x < -103.97 gives 0.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = clampExpArgument(x);
        FloatVector t = c.fma(x.broadcast(LOG2E), x.broadcast(ROUNDER)); // ROUNDER + round(c log2 e)
        FloatVector n = t.sub(ROUNDER);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER)); // n as an int
        FloatVector r = n.fma(x.broadcast(-LN2_HI), c);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(E0, E1);
        p = horner(horner(horner(horner(p, r, E2), r, E3), r, E4), r, E5);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        return y.mul(powerOfTwo(n1)).mul(powerOfTwo(n2));
    }

    /**
     * x.max(EXP_MIN).min(EXP_MAX), bit for bit (a NaN stays NaN: both comparisons are false), as two
     * compare-and-blend pairs: the Vector API's max and min keep Java's NaN and signed-zero rules,
     * which costs a five-instruction sequence each on AVX-512 (expShiftedSum over 1,024 floats, one
     * thread, a busy machine: 424 -> 317 ns; over 64: 52 -> 41 ns).
     */
    static FloatVector clampExpArgument(FloatVector x) {
        FloatVector lo = x.broadcast(EXP_MIN), hi = x.broadcast(EXP_MAX);
        FloatVector c = x.blend(lo, x.compare(VectorOperators.LT, lo));
        return c.blend(hi, c.compare(VectorOperators.GT, hi));
    }

    /** 2^n for -126 <= n <= 127, from the exponent bits. */
    private static FloatVector powerOfTwo(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** tanh(x), from {@link #exp} and a small-argument polynomial; same bits in every JIT tier. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(T0, T1);
        p = horner(horner(horner(p, z, T2), z, T3), z, T4);
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector e = exp(a.add(a));
        FloatVector large = a.broadcast(1f).sub(a.broadcast(2f).div(e.add(1f))); // tanh |x|, 1 at +inf
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, a.compare(VectorOperators.LT, 0.625f));
    }

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
        FloatVector t = erfcT(z);
        return t.mul(exp(erfcExponent(z, t)));
    }

    /** erfc's variable t = 1 / (1 + z/2), z >= 0. */
    private static FloatVector erfcT(FloatVector z) {
        FloatVector t = z.fma(0.5f, 1f);
        return t.broadcast(1f).div(t);
    }

    /** erfc's exponent -z^2 + Q(t): erfc(z) = t exp(-z^2 + Q(t)). */
    private static FloatVector erfcExponent(FloatVector z, FloatVector t) {
        FloatVector q = t.fma(Q9, Q8);
        q = horner(
                horner(
                        horner(horner(horner(horner(horner(horner(q, t, Q7), t, Q6), t, Q5), t, Q4), t, Q3), t, Q2),
                        t,
                        Q1),
                t,
                Q0);
        return q.sub(z.mul(z));
    }

    /**
     * a[off + i] = e^a[off + i] for i in [0, n), the same bits as {@link #exp}. Composite kernels
     * (the sigmoid family and its derivatives) put their exponentials in a pass of their own, and this loop spells
     * exp out in its body instead of calling it: C2 does not always inline a 180-byte callee (its
     * "callee is too large" / node-count limits), and a vector passed to a call that is not inlined
     * is boxed (measured 12-20 ns per element instead of under 1). The tail is padded to a whole
     * vector and goes through the same loop, so every element gets the same arithmetic.
     */
    static void expInPlace(float[] a, int off, int n) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int full = species.loopBound(n), l = species.length();
        expVectors(a, off, full);
        if (full < n) {
            float[] tail = new float[l];
            System.arraycopy(a, off + full, tail, 0, n - full);
            expVectors(tail, 0, l);
            System.arraycopy(tail, 0, a, off + full, n - full);
        }
    }

    /** {@link #exp} written out over n (a multiple of the vector length) elements of a. */
    private static void expVectors(float[] a, int off, int n) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int rounderBits = Float.floatToRawIntBits(ROUNDER);
        for (int i = 0; i < n; i += species.length()) {
            FloatVector x = FloatVector.fromArray(species, a, off + i);
            FloatVector c = clampExpArgument(x);
            FloatVector t = c.fma(x.broadcast(LOG2E), x.broadcast(ROUNDER));
            FloatVector nf = t.sub(ROUNDER);
            IntVector ni = t.reinterpretAsInts().sub(rounderBits);
            FloatVector r = nf.fma(x.broadcast(-LN2_HI), c);
            r = nf.fma(x.broadcast(-LN2_LO), r);
            FloatVector p = r.fma(E0, E1);
            p = p.fma(r, x.broadcast(E2));
            p = p.fma(r, x.broadcast(E3));
            p = p.fma(r, x.broadcast(E4));
            p = p.fma(r, x.broadcast(E5));
            FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            y.mul(s1).mul(s2).intoArray(a, off + i);
        }
    }

    /**
     * a[off + i] = e^(a[off + i] - shift) for i in [0, lim), n a multiple of the vector length (a softmax
     * numerator), the same bits as {@link #exp} of the difference; returns their sum in the order of
     * {@link Lanes#sum}. Entries from lim to n are hidden: written +0, the exponential of -inf, without
     * being computed. exp(-inf) goes through a product that underflows (the clamped argument's 2^-150),
     * and an underflowing product costs a microcode assist on Zen 5: four attention score rows of 50 keys
     * padded to 64 took 290 ns against 217 for 64 visible keys (one thread).
     */
    static float expShiftedSum(float[] a, int off, int n, float shift, int lim) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int rounderBits = Float.floatToRawIntBits(ROUNDER);
        FloatVector sum = FloatVector.zero(species), zero = sum;
        for (int i = 0; i < n; i += species.length()) {
            VectorMask<Float> shown = species.indexInRange(i, lim);
            FloatVector x =
                    zero.blend(FloatVector.fromArray(species, a, off + i).sub(shift), shown);
            FloatVector c = clampExpArgument(x);
            FloatVector t = c.fma(x.broadcast(LOG2E), x.broadcast(ROUNDER));
            FloatVector nf = t.sub(ROUNDER);
            IntVector ni = t.reinterpretAsInts().sub(rounderBits);
            FloatVector r = nf.fma(x.broadcast(-LN2_HI), c);
            r = nf.fma(x.broadcast(-LN2_LO), r);
            FloatVector p = r.fma(E0, E1);
            p = p.fma(r, x.broadcast(E2));
            p = p.fma(r, x.broadcast(E3));
            p = p.fma(r, x.broadcast(E4));
            p = p.fma(r, x.broadcast(E5));
            FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = zero.blend(y.mul(s1).mul(s2), shown);
            e.intoArray(a, off + i);
            sum = sum.add(e);
        }
        return Lanes.sum(sum);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs();
        VectorMask<Float> small = a.compare(VectorOperators.LE, 1f);
        // 1 - erfc(|x|) with the sign of x; NaN stays NaN through erfcPositive.
        FloatVector large = a.broadcast(1f).sub(erfcPositive(a));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(erfSmall(x), small);
    }

    /** GELU, tanh form: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).fma(0.044715f, 1f).mul(x).mul(SQRT_2_OVER_PI);
        FloatVector half = x.mul(0.5f);
        return tanh(inner).fma(half, half);
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
