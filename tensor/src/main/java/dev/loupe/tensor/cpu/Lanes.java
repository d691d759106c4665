package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A lane sum whose rounding does not depend on the JIT.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of the float additions to the implementation, and
 * HotSpot uses different orders in the interpreter (lane by lane) and in C2-compiled code (a tree):
 * measured with 128-bit vectors, 636 of 2000 sums changed their last bits once the method was
 * compiled. A training run resumed from a checkpoint then diverged from the uninterrupted run. This
 * sum fixes the order: a halving tree, a[i] <- a[i] + a[i + s] for s = L/2, ..., 1, then a[0]. Plain
 * float adds are exactly specified, so every tier computes the same bits.
 *
 * <p>The tree runs in registers: v + v.rearrange(lane i <- lane i + s) with constant shuffles, four
 * permute-and-add steps for 16 lanes. The first version stored the lanes to an array and added them
 * with 15 scalar adds, because a shuffle tree tried before that was not intrinsified when C2 did not
 * inline it, and allocated per call. Here the shuffles are static constants and the method is small
 * enough to be inlined into the row kernels that call it once or twice per row; on layer_norm_backward
 * (6400, 192) it took the time from about 1.45 to 1.0 ms (shared 2-core Zen 5, one noisy run). Wider
 * species than 16 lanes, or another species than the preferred one, take the stored tree.
 */
final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // lane i <- lane i + s (wrapping): after v + v.rearrange(shift s), lanes [0, s) hold a[i] + a[i + s]
    private static final VectorShuffle<Float> SHIFT8 = shift(8),
            SHIFT4 = shift(4),
            SHIFT2 = shift(2),
            SHIFT1 = shift(1);

    private Lanes() {}

    private static VectorShuffle<Float> shift(int s) {
        return VectorShuffle.fromOp(S, i -> (i + s) % L);
    }

    /** The sum of v's lanes in the fixed halving-tree order. */
    static float sum(FloatVector v) {
        if (v.species() != S || L > 16) return sumStored(v);
        if (L == 16) v = v.add(v.rearrange(SHIFT8));
        if (L >= 8) v = v.add(v.rearrange(SHIFT4));
        if (L >= 4) v = v.add(v.rearrange(SHIFT2));
        if (L >= 2) v = v.add(v.rearrange(SHIFT1));
        return v.lane(0);
    }

    /** The same tree over the stored lanes. */
    static float sumStored(FloatVector v) {
        float[] a = v.toArray();
        for (int s = a.length / 2; s > 0; s >>= 1) {
            for (int i = 0; i < s; i++) a[i] += a[i + s];
        }
        return a[0];
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
