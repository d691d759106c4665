package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small products inside one attention head, on packed float tiles that fit in L1/L2:
 * c (m x n) (+)= a (m x k) . b (k x n), with b's rows contiguous and a read through any two strides,
 * so both P . V and P^T . dO run from the same tile without a transposed copy.
 *
 * <p>Four rows of c at a time, one to four vectors wide: each step of k loads the vectors of b and
 * broadcasts four scalars of a into up to sixteen accumulators that stay in registers. Callers that
 * pad m to a multiple of 4 and n to a multiple of the vector length never reach the one-row or masked
 * tails, which run a single dependent fma chain per vector. Each element of c is summed over k
 * in index order, one fma per term, whatever the vector width (lanes are columns, never a sum), so a
 * result never depends on where a tile starts.
 */
final class AttentionTiles {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private AttentionTiles() {}

    /**
     * c[r * ldc + j] (+)= sum_p a[aOff + r * ars + p * acs] * b[bOff + p * ldb + j] for r < m, j < n.
     * With {@code add} false c is overwritten.
     */
    static void mul(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int ars,
            int acs,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean add) {
        int r = 0;
        for (; r + 4 <= m; r += 4) rows4(n, k, a, aOff + r * ars, ars, acs, b, bOff, ldb, c, cOff + r * ldc, ldc, add);
        for (; r < m; r++) row1(n, k, a, aOff + r * ars, acs, b, bOff, ldb, c, cOff + r * ldc, add);
    }

    // Each tile shape is its own small method: one large method with all of them exceeds what C1 can
    // register-allocate, and a method C1 gives up on can stay in slow code instead of reaching C2.
    private static void rows4(
            int n,
            int k,
            float[] a,
            int a0,
            int ars,
            int acs,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            boolean add) {
        int j = 0;
        // widest tiles first, but never leave one lone vector when two tiles can cover the rest
        // (5 vectors: 3 + 2; a score row of 50 keys: 3 vectors + a masked one)
        for (int left = n / L; left > 0; left = (n - j) / L) {
            if (left >= 4 && left != 5) {
                tile4x4(k, a, a0, ars, acs, b, bOff + j, ldb, c, c0 + j, ldc, add);
                j += 4 * L;
            } else if (left >= 3) {
                tile4x3(k, a, a0, ars, acs, b, bOff + j, ldb, c, c0 + j, ldc, add);
                j += 3 * L;
            } else if (left == 2) {
                tile4x2(k, a, a0, ars, acs, b, bOff + j, ldb, c, c0 + j, ldc, add);
                j += 2 * L;
            } else {
                tile4x1(k, a, a0, ars, acs, b, bOff + j, ldb, c, c0 + j, ldc, SPECIES.maskAll(true), add);
                j += L;
            }
        }
        if (j < n) tile4x1(k, a, a0, ars, acs, b, bOff + j, ldb, c, c0 + j, ldc, SPECIES.indexInRange(j, n), add);
    }

    /** c rows r..r+3, columns [j, j + 4L): sixteen accumulators, four loads of b and four broadcasts a step. */
    private static void tile4x4(
            int k,
            float[] a,
            int a0,
            int ars,
            int acs,
            float[] b,
            int bp,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            boolean add) {
        int a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, l2 = 2 * L, l3 = 3 * L;
        FloatVector x0 = load(c, c0, add), y0 = load(c, c0 + L, add);
        FloatVector z0 = load(c, c0 + l2, add), w0 = load(c, c0 + l3, add);
        FloatVector x1 = load(c, c1, add), y1 = load(c, c1 + L, add);
        FloatVector z1 = load(c, c1 + l2, add), w1 = load(c, c1 + l3, add);
        FloatVector x2 = load(c, c2, add), y2 = load(c, c2 + L, add);
        FloatVector z2 = load(c, c2 + l2, add), w2 = load(c, c2 + l3, add);
        FloatVector x3 = load(c, c3, add), y3 = load(c, c3 + L, add);
        FloatVector z3 = load(c, c3 + l2, add), w3 = load(c, c3 + l3, add);
        for (int p = 0, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector u0 = FloatVector.fromArray(SPECIES, b, bp), u1 = FloatVector.fromArray(SPECIES, b, bp + L);
            FloatVector u2 = FloatVector.fromArray(SPECIES, b, bp + l2);
            FloatVector u3 = FloatVector.fromArray(SPECIES, b, bp + l3);
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + ap]);
            x0 = s.fma(u0, x0);
            y0 = s.fma(u1, y0);
            z0 = s.fma(u2, z0);
            w0 = s.fma(u3, w0);
            s = FloatVector.broadcast(SPECIES, a[a1 + ap]);
            x1 = s.fma(u0, x1);
            y1 = s.fma(u1, y1);
            z1 = s.fma(u2, z1);
            w1 = s.fma(u3, w1);
            s = FloatVector.broadcast(SPECIES, a[a2 + ap]);
            x2 = s.fma(u0, x2);
            y2 = s.fma(u1, y2);
            z2 = s.fma(u2, z2);
            w2 = s.fma(u3, w2);
            s = FloatVector.broadcast(SPECIES, a[a3 + ap]);
            x3 = s.fma(u0, x3);
            y3 = s.fma(u1, y3);
            z3 = s.fma(u2, z3);
            w3 = s.fma(u3, w3);
        }
        x0.intoArray(c, c0);
        y0.intoArray(c, c0 + L);
        z0.intoArray(c, c0 + l2);
        w0.intoArray(c, c0 + l3);
        x1.intoArray(c, c1);
        y1.intoArray(c, c1 + L);
        z1.intoArray(c, c1 + l2);
        w1.intoArray(c, c1 + l3);
        x2.intoArray(c, c2);
        y2.intoArray(c, c2 + L);
        z2.intoArray(c, c2 + l2);
        w2.intoArray(c, c2 + l3);
        x3.intoArray(c, c3);
        y3.intoArray(c, c3 + L);
        z3.intoArray(c, c3 + l2);
        w3.intoArray(c, c3 + l3);
    }

    /** c rows r..r+3, columns [j, j + 3L): twelve accumulators. */
    private static void tile4x3(
            int k,
            float[] a,
            int a0,
            int ars,
            int acs,
            float[] b,
            int bp,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            boolean add) {
        int a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, l2 = 2 * L;
        FloatVector x0 = load(c, c0, add), y0 = load(c, c0 + L, add), z0 = load(c, c0 + l2, add);
        FloatVector x1 = load(c, c1, add), y1 = load(c, c1 + L, add), z1 = load(c, c1 + l2, add);
        FloatVector x2 = load(c, c2, add), y2 = load(c, c2 + L, add), z2 = load(c, c2 + l2, add);
        FloatVector x3 = load(c, c3, add), y3 = load(c, c3 + L, add), z3 = load(c, c3 + l2, add);
        for (int p = 0, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector u = FloatVector.fromArray(SPECIES, b, bp), w = FloatVector.fromArray(SPECIES, b, bp + L);
            FloatVector t = FloatVector.fromArray(SPECIES, b, bp + l2);
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + ap]);
            x0 = s.fma(u, x0);
            y0 = s.fma(w, y0);
            z0 = s.fma(t, z0);
            s = FloatVector.broadcast(SPECIES, a[a1 + ap]);
            x1 = s.fma(u, x1);
            y1 = s.fma(w, y1);
            z1 = s.fma(t, z1);
            s = FloatVector.broadcast(SPECIES, a[a2 + ap]);
            x2 = s.fma(u, x2);
            y2 = s.fma(w, y2);
            z2 = s.fma(t, z2);
            s = FloatVector.broadcast(SPECIES, a[a3 + ap]);
            x3 = s.fma(u, x3);
            y3 = s.fma(w, y3);
            z3 = s.fma(t, z3);
        }
        x0.intoArray(c, c0);
        y0.intoArray(c, c0 + L);
        z0.intoArray(c, c0 + l2);
        x1.intoArray(c, c1);
        y1.intoArray(c, c1 + L);
        z1.intoArray(c, c1 + l2);
        x2.intoArray(c, c2);
        y2.intoArray(c, c2 + L);
        z2.intoArray(c, c2 + l2);
        x3.intoArray(c, c3);
        y3.intoArray(c, c3 + L);
        z3.intoArray(c, c3 + l2);
    }

    /** c rows r..r+3, columns [j, j + 2L): eight accumulators. */
    private static void tile4x2(
            int k,
            float[] a,
            int a0,
            int ars,
            int acs,
            float[] b,
            int bp,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            boolean add) {
        int a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x0 = load(c, c0, add), y0 = load(c, c0 + L, add);
        FloatVector x1 = load(c, c1, add), y1 = load(c, c1 + L, add);
        FloatVector x2 = load(c, c2, add), y2 = load(c, c2 + L, add);
        FloatVector x3 = load(c, c3, add), y3 = load(c, c3 + L, add);
        for (int p = 0, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector u = FloatVector.fromArray(SPECIES, b, bp), w = FloatVector.fromArray(SPECIES, b, bp + L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, a[a0 + ap]),
                    s1 = FloatVector.broadcast(SPECIES, a[a1 + ap]);
            FloatVector s2 = FloatVector.broadcast(SPECIES, a[a2 + ap]),
                    s3 = FloatVector.broadcast(SPECIES, a[a3 + ap]);
            x0 = s0.fma(u, x0);
            y0 = s0.fma(w, y0);
            x1 = s1.fma(u, x1);
            y1 = s1.fma(w, y1);
            x2 = s2.fma(u, x2);
            y2 = s2.fma(w, y2);
            x3 = s3.fma(u, x3);
            y3 = s3.fma(w, y3);
        }
        x0.intoArray(c, c0);
        y0.intoArray(c, c0 + L);
        x1.intoArray(c, c1);
        y1.intoArray(c, c1 + L);
        x2.intoArray(c, c2);
        y2.intoArray(c, c2 + L);
        x3.intoArray(c, c3);
        y3.intoArray(c, c3 + L);
    }

    /** c rows r..r+3, the columns of one vector under mask mk. */
    private static void tile4x1(
            int k,
            float[] a,
            int a0,
            int ars,
            int acs,
            float[] b,
            int bp,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            VectorMask<Float> mk,
            boolean add) {
        int a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x0 = load(c, c0, mk, add), x1 = load(c, c1, mk, add);
        FloatVector x2 = load(c, c2, mk, add), x3 = load(c, c3, mk, add);
        for (int p = 0, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector u = FloatVector.fromArray(SPECIES, b, bp, mk);
            x0 = FloatVector.broadcast(SPECIES, a[a0 + ap]).fma(u, x0);
            x1 = FloatVector.broadcast(SPECIES, a[a1 + ap]).fma(u, x1);
            x2 = FloatVector.broadcast(SPECIES, a[a2 + ap]).fma(u, x2);
            x3 = FloatVector.broadcast(SPECIES, a[a3 + ap]).fma(u, x3);
        }
        x0.intoArray(c, c0, mk);
        x1.intoArray(c, c1, mk);
        x2.intoArray(c, c2, mk);
        x3.intoArray(c, c3, mk);
    }

    private static void row1(
            int n, int k, float[] a, int a0, int acs, float[] b, int bOff, int ldb, float[] c, int c0, boolean add) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            FloatVector x = load(c, c0 + j, mk, add);
            for (int p = 0, bp = bOff + j, ap = a0; p < k; p++, bp += ldb, ap += acs) {
                x = FloatVector.broadcast(SPECIES, a[ap]).fma(FloatVector.fromArray(SPECIES, b, bp, mk), x);
            }
            x.intoArray(c, c0 + j, mk);
        }
    }

    private static FloatVector load(float[] c, int at, boolean add) {
        return add ? FloatVector.fromArray(SPECIES, c, at) : FloatVector.zero(SPECIES);
    }

    private static FloatVector load(float[] c, int at, VectorMask<Float> mk, boolean add) {
        return add ? FloatVector.fromArray(SPECIES, c, at, mk) : FloatVector.zero(SPECIES);
    }

    /** sum_j x[xOff + j] * y[yOff + j] for j < n (lanes, then the lane tree of {@link Lanes}). */
    static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            acc = FloatVector.fromArray(SPECIES, x, xOff + j, mk)
                    .fma(FloatVector.fromArray(SPECIES, y, yOff + j, mk), acc);
        }
        return Lanes.sum(acc);
    }

    /** x[off + j] *= s for j < n. */
    static void scale(float[] x, int off, int n, float s) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mk = SPECIES.indexInRange(j, n);
            FloatVector.fromArray(SPECIES, x, off + j, mk).mul(s).intoArray(x, off + j, mk);
        }
    }
}
