package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * A lane sum whose rounding does not depend on the JIT.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of the float additions to the implementation, and
 * HotSpot uses different orders in the interpreter (lane by lane) and in C2-compiled code (a tree):
 * measured with 128-bit vectors, 636 of 2000 sums changed their last bits once the method was
 * compiled. A training run resumed from a checkpoint then diverged from the uninterrupted run. This
 * sum fixes the order: the lanes are stored to an array and added as a halving tree,
 * a[i] <- a[i] + a[i + s] for s = L/2, ..., 1, then a[0]. Plain float adds are exactly specified, so
 * every tier computes the same bits. (A shuffle-based tree in vector registers was tried first: when
 * C2 does not inline it, its shuffles are not intrinsified and each call allocates; used once per
 * row, the store and 15 scalar adds cost a few ns.)
 */
final class Lanes {
    private Lanes() {}

    /** The sum of v's lanes in the fixed halving-tree order. */
    static float sum(FloatVector v) {
        float[] a = v.toArray();
        for (int s = a.length / 2; s > 0; s >>= 1) {
            for (int i = 0; i < s; i++) a[i] += a[i + s];
        }
        return a[0];
    }

    /**
     * {@link #sum(FloatVector)} in registers, the same bits: step s adds lane i + s, brought down by a
     * constant shuffle, to lane i (lanes >= s hold whatever they hold and are never read). For sums
     * once per row of a hot loop, where the store and scalar tree of {@link #sum(FloatVector)} cost
     * about 100 cycles (the scalar loads wait on the vector store). Small enough for C2 to inline; a
     * caller where it is not inlined runs the shuffles as Java code.
     */
    static float sumInRegisters(FloatVector v) {
        int l = v.length();
        v = v.add(v.rearrange(HALF_1));
        if (l >= 4) v = v.add(v.rearrange(HALF_2));
        if (l >= 8) v = v.add(v.rearrange(HALF_3));
        if (l >= 16) v = v.add(v.rearrange(HALF_4));
        return v.lane(0);
    }

    // lane i takes lane i + L/2, L/4, L/8, L/16 of the preferred species (wrapping; wrapped lanes unread)
    private static final VectorShuffle<Float> HALF_1 = halving(2),
            HALF_2 = halving(4),
            HALF_3 = halving(8),
            HALF_4 = halving(16);

    private static VectorShuffle<Float> halving(int parts) {
        int l = FloatVector.SPECIES_PREFERRED.length(), s = Math.max(1, l / parts);
        return VectorShuffle.fromOp(FloatVector.SPECIES_PREFERRED, i -> (i + s) % l);
    }

    /** The scalar twin: the same tree over an array of L lanes (L a power of two), left untouched. */
    static float sumScalar(float[] lanes) {
        float[] a = lanes.clone();
        for (int s = a.length / 2; s > 0; s >>= 1) {
            for (int i = 0; i < s; i++) a[i] = a[i] + a[i + s];
        }
        return a[0];
    }
}
