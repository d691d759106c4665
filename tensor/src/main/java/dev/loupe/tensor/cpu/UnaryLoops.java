package dev.loupe.tensor.cpu;

import dev.loupe.tensor.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector definition of every unary op token: one loop per token, its body the one line that
 * differs. The scalar definitions (the twins) are the tokens' own {@code apply} methods.
 *
 * <p>Why one loop per token and not one shared loop: a shared loop that calls a lambda, or a switch
 * over the token per vector, stops being inlined once a process has run several ops (the JIT's
 * "callee is too large" / megamorphic call), and then every vector is boxed: measured 12 bytes
 * allocated per element and 2-5x slower. Here the switch runs once per run, and each loop calls one
 * small static function that the JIT always inlines.
 *
 * <p>Tails use a masked vector step, so every element goes through the same arithmetic.
 */
final class UnaryLoops {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private UnaryLoops() {}

    /** o[oi + i] = op(x[xi + i]) for i in [0, n), both contiguous. */
    static void map(UnaryOp op, float[] x, int xi, float[] o, int oi, int n) {
        switch (op) {
            case NEG -> neg(x, xi, o, oi, n);
            case ABS -> abs(x, xi, o, oi, n);
            case SIGN -> sign(x, xi, o, oi, n);
            case SQUARE -> square(x, xi, o, oi, n);
            case SQRT -> sqrt(x, xi, o, oi, n);
            case RSQRT -> rsqrt(x, xi, o, oi, n);
            case RECIPROCAL -> reciprocal(x, xi, o, oi, n);
            case EXP -> SigmoidLoops.exp(x, xi, o, oi, n);
            case LOG -> log(x, xi, o, oi, n);
            case SIN -> sin(x, xi, o, oi, n);
            case COS -> cos(x, xi, o, oi, n);
            case TANH -> tanh(x, xi, o, oi, n);
            case ERF -> erf(x, xi, o, oi, n);
            case SIGMOID -> SigmoidLoops.forward(x, xi, o, oi, n, 1f, false);
            case RELU -> relu(x, xi, o, oi, n);
            case SILU -> SigmoidLoops.forward(x, xi, o, oi, n, 1f, true);
            case GELU -> GeluLoops.forward(x, xi, o, oi, n);
            case GELU_TANH -> geluTanh(x, xi, o, oi, n);
            case QUICK_GELU -> SigmoidLoops.forward(x, xi, o, oi, n, 1.702f, true);
        }
    }

    private static void neg(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.neg().intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.neg().intoArray(o, oi + i, m);
        }
    }

    private static void abs(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.abs().intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.abs().intoArray(o, oi + i, m);
        }
    }

    private static void sign(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.sign(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.sign(v).intoArray(o, oi + i, m);
        }
    }

    private static void square(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.mul(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.mul(v).intoArray(o, oi + i, m);
        }
    }

    private static void sqrt(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.sqrt().intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.sqrt().intoArray(o, oi + i, m);
        }
    }

    private static void rsqrt(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.broadcast(1f).div(v.sqrt()).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.broadcast(1f).div(v.sqrt()).intoArray(o, oi + i, m);
        }
    }

    private static void reciprocal(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            v.broadcast(1f).div(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            v.broadcast(1f).div(v).intoArray(o, oi + i, m);
        }
    }

    private static void log(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.log(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.log(v).intoArray(o, oi + i, m);
        }
    }

    // sin and cos go lane by lane through Math: the Vector API's SIN/COS give different bits in the
    // interpreter and in C2 (see VectorMath.exp), and neither is on a training hot path.
    private static void sin(float[] x, int xi, float[] o, int oi, int n) {
        for (int i = 0; i < n; i++) o[oi + i] = (float) Math.sin(x[xi + i]);
    }

    private static void cos(float[] x, int xi, float[] o, int oi, int n) {
        for (int i = 0; i < n; i++) o[oi + i] = (float) Math.cos(x[xi + i]);
    }

    private static void tanh(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.tanh(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.tanh(v).intoArray(o, oi + i, m);
        }
    }

    private static void erf(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.erf(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.erf(v).intoArray(o, oi + i, m);
        }
    }

    private static void relu(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.relu(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.relu(v).intoArray(o, oi + i, m);
        }
    }

    private static void geluTanh(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i);
            VectorMath.geluTanh(v).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + i, m);
            VectorMath.geluTanh(v).intoArray(o, oi + i, m);
        }
    }
}
