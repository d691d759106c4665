package dev.loupe.tensor.cpu;

import dev.loupe.tensor.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector definition of every binary op token, one line each (unary ones: {@link UnaryLoops});
 * the scalar definitions (the twins) are the tokens' own {@code apply} methods.
 *
 * <p>Why a switch per vector and not a lambda per op: the loops of {@link VectorLoops} are shared by
 * all ops, so a lambda called inside them sees many receivers once several ops have run, cannot be
 * inlined, and every vector gets boxed (measured after running every op: 18 bytes allocated per
 * element, 10x slower). These arms are single intrinsics, small enough for the switch to be
 * inlined into the loop (measured: no allocation); the token is loop-invariant, so the branch is
 * predicted.
 */
final class VectorOps {
    private VectorOps() {}

    /** Arithmetic ops (comparisons go through {@link #test}). */
    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case POW -> pow(a, b);
            default -> throw new IllegalArgumentException(op + " is a comparison; use test");
        };
    }

    /**
     * Lane by lane through Math.pow: the Vector API's POW gives different bits in the interpreter
     * and in C2 (see VectorMath.exp); pow is rare enough that the scalar path costs nothing that matters.
     */
    private static FloatVector pow(FloatVector a, FloatVector b) {
        float[] x = a.toArray(), y = b.toArray();
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.pow(x[i], y[i]);
        return FloatVector.fromArray(a.species(), x, 0);
    }

    static VectorMask<Float> test(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case EQ -> a.compare(VectorOperators.EQ, b);
            case NE -> a.compare(VectorOperators.NE, b);
            case LT -> a.compare(VectorOperators.LT, b);
            case LE -> a.compare(VectorOperators.LE, b);
            case GT -> a.compare(VectorOperators.GT, b);
            case GE -> a.compare(VectorOperators.GE, b);
            default -> throw new IllegalArgumentException(op + " is not a comparison; use apply");
        };
    }
}
