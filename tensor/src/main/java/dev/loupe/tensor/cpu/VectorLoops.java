package dev.loupe.tensor.cpu;

import dev.loupe.tensor.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops the F32 binary kernels share; the op token is applied per vector through
 * {@link VectorOps}.
 *
 * <p>Tails use a masked vector step, not a scalar loop, so every element of a run goes through the
 * same vector arithmetic wherever the run starts.
 */
final class VectorLoops {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorLoops() {}

    /**
     * o[oi + i] = op(a[ai + i * sa], b[bi + i * sb]) for i in [0, n); sa and sb are 1 (contiguous) or
     * 0 (one value broadcast into every lane).
     */
    static void zip(BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        if (sa == 0 && sb == 0) {
            float r = VectorOps.apply(op, FloatVector.broadcast(SPECIES, a[ai]), FloatVector.broadcast(SPECIES, b[bi]))
                    .lane(0);
            java.util.Arrays.fill(o, oi, oi + n, r);
            return;
        }
        switch (op) {
            case ADD -> ZipLoops.add(a, ai, sa, b, bi, sb, o, oi, n);
            case SUB -> ZipLoops.sub(a, ai, sa, b, bi, sb, o, oi, n);
            case MUL -> ZipLoops.mul(a, ai, sa, b, bi, sb, o, oi, n);
            case DIV -> ZipLoops.div(a, ai, sa, b, bi, sb, o, oi, n);
            case MAX -> ZipLoops.max(a, ai, sa, b, bi, sb, o, oi, n);
            case MIN -> ZipLoops.min(a, ai, sa, b, bi, sb, o, oi, n);
            default -> zipGeneric(op, a, ai, sa, b, bi, sb, o, oi, n);
        }
    }

    /** The rare ops (pow): one loop that dispatches per vector; see {@link ZipLoops} for why the hot ones do not. */
    private static void zipGeneric(
            BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; i < bound; i += L) {
                VectorOps.apply(
                                op,
                                FloatVector.fromArray(SPECIES, a, ai + i),
                                FloatVector.fromArray(SPECIES, b, bi + i))
                        .intoArray(o, oi + i);
            }
        } else if (sa == 1) {
            FloatVector bv = FloatVector.broadcast(SPECIES, b[bi]);
            for (; i < bound; i += L)
                VectorOps.apply(op, FloatVector.fromArray(SPECIES, a, ai + i), bv)
                        .intoArray(o, oi + i);
        } else {
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            for (; i < bound; i += L)
                VectorOps.apply(op, av, FloatVector.fromArray(SPECIES, b, bi + i))
                        .intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector av =
                    sa == 1 ? FloatVector.fromArray(SPECIES, a, ai + i, m) : FloatVector.broadcast(SPECIES, a[ai]);
            FloatVector bv =
                    sb == 1 ? FloatVector.fromArray(SPECIES, b, bi + i, m) : FloatVector.broadcast(SPECIES, b[bi]);
            VectorOps.apply(op, av, bv).intoArray(o, oi + i, m);
        }
    }

    /** Like {@link #zip} for comparisons: o[oi + i] = 1 where op holds, else 0. */
    static void compare(BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, byte[] o, int oi, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> in = SPECIES.indexInRange(i, n);
            FloatVector av =
                    sa == 1 ? FloatVector.fromArray(SPECIES, a, ai + i, in) : FloatVector.broadcast(SPECIES, a[ai]);
            FloatVector bv =
                    sb == 1 ? FloatVector.fromArray(SPECIES, b, bi + i, in) : FloatVector.broadcast(SPECIES, b[bi]);
            long bits = VectorOps.test(op, av, bv).toLong();
            int lanes = Math.min(L, n - i);
            for (int j = 0; j < lanes; j++) o[oi + i + j] = (byte) ((bits >>> j) & 1);
        }
    }
}
