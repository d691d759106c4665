package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link Lanes#sum} must give the bits of its scalar twin (the same addition tree) both before and
 * after HotSpot compiles it: the check runs on fresh inputs, then again after enough calls for C2.
 * With {@code reduceLanes(ADD)} in its place the second round fails under -XX:MaxVectorSize=16.
 */
class LanesTest {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int VECTORS = 2000, WARM_CALLS = 400_000;

    @Test
    void sumHasTheTwinsBitsInEveryCompilationTier() {
        float[] x = inputs(VECTORS * SPECIES.length());
        assertMatchesTwin(x, "first calls");
        float sink = 0;
        for (int i = 0; i < WARM_CALLS; i++) sink += sumAt(x, i % VECTORS);
        assertEquals(sink, sink, "keeps the warm-up loop alive");
        assertMatchesTwin(x, "after " + WARM_CALLS + " calls");
    }

    @Test
    void specialValuesPropagate() {
        int l = SPECIES.length();
        float[] x = new float[l];
        x[l - 1] = Float.NaN;
        assertEquals(Float.NaN, Lanes.sum(FloatVector.fromArray(SPECIES, x, 0)));
        x[l - 1] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, Lanes.sum(FloatVector.fromArray(SPECIES, x, 0)));
        float[] negZero = new float[l];
        java.util.Arrays.fill(negZero, -0f);
        assertEquals(
                Float.floatToRawIntBits(-0f),
                Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(SPECIES, negZero, 0))));
    }

    private static void assertMatchesTwin(float[] x, String when) {
        int l = SPECIES.length();
        for (int k = 0; k < VECTORS; k++) {
            float expected = Lanes.sumScalar(java.util.Arrays.copyOfRange(x, k * l, (k + 1) * l));
            float actual = sumAt(x, k);
            assertEquals(
                    Float.floatToRawIntBits(expected),
                    Float.floatToRawIntBits(actual),
                    when + ", vector " + k + ": " + expected + " vs " + actual);
        }
    }

    private static float sumAt(float[] x, int k) {
        return Lanes.sum(FloatVector.fromArray(SPECIES, x, k * SPECIES.length()));
    }

    /** Magnitudes spread over 8 decades, so the addition order shows in the last bits. */
    private static float[] inputs(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(8)));
        return x;
    }
}
