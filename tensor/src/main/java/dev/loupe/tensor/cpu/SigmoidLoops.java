package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid, SiLU and QuickGELU (x sigmoid(k x), k = 1 or 1.702) and their fused backward, with
 * the exponentials in a pass of their own ({@link VectorMath#expInPlace}): an exp called from inside
 * a loop body is not always inlined by C2, and then every vector is boxed. The other passes are
 * plain lane-wise arithmetic with a masked tail, so every element gets the same operations.
 * Scalar twins: the UnaryOp tokens and UnaryDerivative.
 */
final class SigmoidLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private SigmoidLoops() {}

    /** o = e^x. */
    static void exp(float[] x, int xi, float[] o, int oi, int n) {
        System.arraycopy(x, xi, o, oi, n);
        VectorMath.expInPlace(o, oi, n);
    }

    /** o = g e^x. */
    static void expBackward(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n) {
        exp(x, xi, o, oi, n);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector.fromArray(SPECIES, g, gi + i, m)
                    .mul(FloatVector.fromArray(SPECIES, o, oi + i, m))
                    .intoArray(o, oi + i, m);
        }
    }

    /** o = sigmoid(x) when times is false, else x sigmoid(k x) (SiLU k = 1, QuickGELU k = 1.702). */
    static void forward(float[] x, int xi, float[] o, int oi, int n, float k, boolean times) {
        negativeScaled(x, xi, o, oi, n, k);
        VectorMath.expInPlace(o, oi, n);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector num = times ? FloatVector.fromArray(SPECIES, x, xi + i, m) : FloatVector.broadcast(SPECIES, 1f);
            num.div(FloatVector.fromArray(SPECIES, o, oi + i, m).add(1f)).intoArray(o, oi + i, m);
        }
    }

    /**
     * o = g d/dx: sigmoid: s (1 - s) with s = sigmoid(x); x sigmoid(k x): s (1 + k x (1 - s)) with
     * s = sigmoid(k x).
     */
    static void backward(float[] x, int xi, float[] g, int gi, float[] o, int oi, int n, float k, boolean times) {
        negativeScaled(x, xi, o, oi, n, k);
        VectorMath.expInPlace(o, oi, n);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector s = FloatVector.broadcast(SPECIES, 1f)
                    .div(FloatVector.fromArray(SPECIES, o, oi + i, m).add(1f));
            FloatVector oneMinus = s.neg().add(1f);
            FloatVector d = times
                    ? FloatVector.fromArray(SPECIES, x, xi + i, m)
                            .mul(k)
                            .mul(oneMinus)
                            .add(1f)
                            .mul(s)
                    : s.mul(oneMinus);
            FloatVector.fromArray(SPECIES, g, gi + i, m).mul(d).intoArray(o, oi + i, m);
        }
    }

    /** o = -k x. */
    private static void negativeScaled(float[] x, int xi, float[] o, int oi, int n, float k) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector.fromArray(SPECIES, x, xi + i, m).mul(-k).intoArray(o, oi + i, m);
        }
    }
}
