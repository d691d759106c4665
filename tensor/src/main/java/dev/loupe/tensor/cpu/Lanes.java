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
 * compiled. A training run resumed from a checkpoint then diverges from the uninterrupted run. This
 * sum fixes the order: a rotation tree, lane i <- lane i + lane (i + s) mod L for s = L/2, ..., 1,
 * then lane 0. Every step is a lane-wise add, so all tiers compute the same bits (about 3 ns per sum,
 * against under 1 ns for reduceLanes; used once per row, never in an inner loop).
 */
final class Lanes {
    private Lanes() {}

    /** The sum of v's lanes in the fixed rotation-tree order. */
    static float sum(FloatVector v) {
        VectorSpecies<Float> species = v.species();
        for (int s = species.length() / 2; s > 0; s >>= 1) {
            v = v.add(v.rearrange(VectorShuffle.iota(species, s, 1, true)));
        }
        return v.lane(0);
    }

    /** The scalar twin: the same tree over an array of L lanes (L a power of two). */
    static float sumScalar(float[] lanes) {
        float[] v = lanes.clone();
        int n = v.length;
        for (int s = n / 2; s > 0; s >>= 1) {
            float[] next = new float[n];
            for (int i = 0; i < n; i++) next[i] = v[i] + v[(i + s) % n];
            v = next;
        }
        return v[0];
    }
}
