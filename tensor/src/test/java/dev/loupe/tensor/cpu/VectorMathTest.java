package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's exp, log and tanh: within a few ulp of java.lang.Math, the IEEE special values right,
 * and exactly the bits of their scalar twins (VectorMathScalar), which use only exactly specified
 * float operations, so the vector code cannot change its bits with the JIT tier (the reason these
 * exist instead of lanewise(EXP/LOG/TANH): with those a resumed run drifted from a straight one).
 * The twin comparison runs on cold code and again after warm-up.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int N = 16 * 1024, WARM_ROUNDS = 100;

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += SPECIES.length())
            f.apply(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        return y;
    }

    private static float[] inputs(double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    /** Max error in ulps of the float result against the correctly rounded double reference. */
    private static double maxUlps(float[] x, float[] y, DoubleUnaryOperator ref) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = ref.applyAsDouble(x[i]);
            float wantF = (float) want;
            if (Float.isInfinite(wantF) || wantF == 0) {
                assertEquals(wantF, y[i], "x = " + x[i]);
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - want) / Math.ulp(wantF));
        }
        return worst;
    }

    private static void assertTierIndependent(String name, UnaryOperator<FloatVector> f, FloatUnary twin, float[] x) {
        assertMatchesTwin(name + ", first calls", f, twin, x);
        for (int r = 0; r < WARM_ROUNDS; r++) apply(f, x);
        assertMatchesTwin(name + ", after warm-up", f, twin, x);
    }

    private static void assertMatchesTwin(String what, UnaryOperator<FloatVector> f, FloatUnary twin, float[] x) {
        float[] y = apply(f, x);
        for (int i = 0; i < x.length; i++) {
            float want = twin.apply(x[i]);
            assertEquals(
                    Float.floatToRawIntBits(want),
                    Float.floatToRawIntBits(y[i]),
                    what + ": x = " + x[i] + ": " + want + " vs " + y[i]);
        }
    }

    @FunctionalInterface
    private interface FloatUnary {
        float apply(float x);
    }

    private static final float[] SPECIALS = {
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        0f,
        -0f,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        1e-40f,
        Float.MIN_NORMAL,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        1f,
        -1f,
        88.72f,
        88.73f,
        -87.3f,
        -103.9f,
        -104.1f,
        0.625f,
        -0.625f,
        0.62499994f,
        1e-30f,
        0.70710677f,
        0.7071068f
    };

    @Test
    void expIsAccurateAndTierIndependent() {
        float[] x = inputs(-110, 95, 1);
        assertTierIndependent("exp", VectorMath::exp, VectorMathScalar::exp, x);
        assertMatchesTwin("exp specials", VectorMath::exp, VectorMathScalar::exp, pad(SPECIALS));
        float[] normal = inputs(-87, 88.5, 2);
        assertTrue(maxUlps(normal, apply(VectorMath::exp, normal), Math::exp) <= 2.0, "exp error over 2 ulp");
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 89f, -105f, 1f};
        float[] y = apply(VectorMath::exp, pad(special));
        assertTrue(Float.isNaN(y[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertEquals(0f, y[2]);
        assertEquals(1f, y[3]);
        assertEquals(1f, y[4]);
        assertEquals(Float.POSITIVE_INFINITY, y[5]);
        assertEquals(0f, y[6]);
        assertEquals((float) Math.E, y[7], Math.ulp((float) Math.E));
    }

    @Test
    void logIsAccurateAndTierIndependent() {
        float[] x = inputs(1e-6, 1e4, 3);
        assertTierIndependent("log", VectorMath::log, VectorMathScalar::log, x);
        assertMatchesTwin("log specials", VectorMath::log, VectorMathScalar::log, pad(SPECIALS));
        assertTrue(maxUlps(x, apply(VectorMath::log, x), Math::log) <= 2.0, "log error over 2 ulp");
        float[] near1 = inputs(0.5, 2, 4);
        float[] y1 = apply(VectorMath::log, near1);
        for (int i = 0; i < N; i++)
            assertEquals(
                    Math.log(near1[i]),
                    y1[i],
                    2e-7 + 2 * Math.ulp((float) Math.log(near1[i])),
                    "log(" + near1[i] + ")");
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f, -0f, Float.MIN_VALUE, 1e-40f, 1f};
        float[] y = apply(VectorMath::log, pad(special));
        assertTrue(Float.isNaN(y[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertTrue(Float.isNaN(y[2]));
        assertEquals(Float.NEGATIVE_INFINITY, y[3]);
        assertEquals(Float.NEGATIVE_INFINITY, y[4]);
        assertEquals(Math.log(Float.MIN_VALUE), y[5], 1e-5 * 103.3);
        assertEquals(Math.log(1e-40), y[6], 1e-5 * 92.1);
        assertEquals(0f, y[7]);
    }

    @Test
    void tanhIsAccurateAndTierIndependent() {
        float[] x = inputs(-12, 12, 5);
        assertTierIndependent("tanh", VectorMath::tanh, VectorMathScalar::tanh, x);
        assertMatchesTwin("tanh specials", VectorMath::tanh, VectorMathScalar::tanh, pad(SPECIALS));
        float[] y = apply(VectorMath::tanh, x);
        for (int i = 0; i < N; i++) {
            double want = Math.tanh(x[i]);
            assertEquals(want, y[i], 3 * Math.ulp((float) want) + 1.2e-7 * Math.abs(want), "tanh(" + x[i] + ")");
        }
        float[] small = inputs(-1e-3, 1e-3, 6);
        assertTrue(
                maxUlps(small, apply(VectorMath::tanh, small), Math::tanh) <= 2.0,
                "tanh keeps relative accuracy near 0");
        float[] special = pad(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f});
        float[] s = apply(VectorMath::tanh, special);
        assertTrue(Float.isNaN(s[0]));
        assertEquals(1f, s[1]);
        assertEquals(-1f, s[2]);
        assertEquals(0f, s[3]);
    }

    /** The values followed by zeros up to a whole number of vectors. */
    private static float[] pad(float[] v) {
        int l = SPECIES.length();
        float[] out = new float[(v.length + l - 1) / l * l];
        System.arraycopy(v, 0, out, 0, v.length);
        return out;
    }
}
