package dev.loupe.tensor.cpu;

/**
 * The scalar twins of {@link VectorMath#exp}, {@link VectorMath#log} and {@link VectorMath#tanh}: the
 * same float operations in the same order (fma where the vector code uses fma), so a lane of the
 * vector result has exactly these bits. Java's float +, *, fma and bit operations are exactly
 * specified, so matching the twin means the vector code gives the same bits in every JIT tier.
 */
final class VectorMathScalar {
    private VectorMathScalar() {}

    static float exp(float x) {
        float c = Math.min(Math.max(x, VectorMath.EXP_MIN), VectorMath.EXP_MAX);
        float t = Math.fma(c, VectorMath.LOG2E, VectorMath.ROUNDER);
        float n = t - VectorMath.ROUNDER;
        int ni = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(VectorMath.ROUNDER);
        float r = Math.fma(n, -VectorMath.LN2_HI, c);
        r = Math.fma(n, -VectorMath.LN2_LO, r);
        float p = Math.fma(r, VectorMath.E0, VectorMath.E1);
        p = Math.fma(p, r, VectorMath.E2);
        p = Math.fma(p, r, VectorMath.E3);
        p = Math.fma(p, r, VectorMath.E4);
        p = Math.fma(p, r, VectorMath.E5);
        float y = p * (r * r) + r + 1f;
        int n1 = ni >> 1, n2 = ni - n1;
        return y * powerOfTwo(n1) * powerOfTwo(n2);
    }

    private static float powerOfTwo(int n) {
        return Float.intBitsToFloat((n + 127) << 23);
    }

    static float log(float x) {
        boolean tiny = x < Float.MIN_NORMAL;
        float xs = tiny ? x * VectorMath.TWO_23 : x;
        int bits = Float.floatToRawIntBits(xs);
        float e = (float) ((bits >>> 23) - 126);
        if (tiny) e = e - 23f;
        float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f000000);
        boolean low = m < VectorMath.SQRT_HALF;
        if (low) e = e - 1f;
        float f = low ? (m + m) - 1f : m - 1f;
        float z = f * f;
        float p = Math.fma(f, VectorMath.L0, VectorMath.L1);
        for (float l : new float[] {
            VectorMath.L2, VectorMath.L3, VectorMath.L4, VectorMath.L5, VectorMath.L6, VectorMath.L7, VectorMath.L8
        }) {
            p = Math.fma(p, f, l);
        }
        float y = (p * f) * z;
        y = Math.fma(e, VectorMath.LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        float r = f + y;
        r = Math.fma(e, VectorMath.LN2_HI, r);
        if (x == 0f) r = Float.NEGATIVE_INFINITY;
        if (x < 0f) r = Float.NaN;
        if (x == Float.POSITIVE_INFINITY) r = x;
        if (x != x) r = x;
        return r;
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float p = Math.fma(z, VectorMath.T0, VectorMath.T1);
        p = Math.fma(p, z, VectorMath.T2);
        p = Math.fma(p, z, VectorMath.T3);
        p = Math.fma(p, z, VectorMath.T4);
        float small = Math.fma(p * z, x, x);
        float e = exp(a + a);
        float large = 1f - 2f / (e + 1f);
        if (x < 0f) large = -large;
        return a < 0.625f ? small : large;
    }
}
