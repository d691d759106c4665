package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 vector kernels for one layer-norm row of D elements, forward and backward; the scalar
 * twins live in {@link CpuLayerNorm} and {@link CpuLayerNormBackward}.
 *
 * <p>A ViT row is short (D = 192 is 12 AVX-512 vectors) and sits in L1, so the cost is per row, not
 * per element: full vectors run unmasked, and only a D that is not a multiple of the lane count pays
 * for one masked step at the end. Weight and bias are never null here: the callers pass ones for a
 * missing weight (y * 1 = y) and negative zeros for a missing bias (y + -0 = y, the sign of zero
 * included), so one loop serves every case and gives the bits the optional operands would.
 */
final class LayerNormRow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private LayerNormRow() {}

    /** A (D) array of ones: the weight of a layer norm without one. */
    static float[] ones(int d) {
        float[] a = new float[d];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** A (D) array of negative zeros: the bias of a layer norm without one. */
    static float[] negativeZeros(int d) {
        float[] a = new float[d];
        java.util.Arrays.fill(a, -0f);
        return a;
    }

    /**
     * o[ob..ob+d) = (x - mean) rstd w + b for x[xb..xb+d); returns {@link CpuLayerNorm#pack}(mean, rstd).
     * Two accumulators per sum halve the add chain of a 12-vector row.
     */
    static long forward(float[] x, int xb, float[] w, int wo, float[] b, int bo, float[] o, int ob, int d, double eps) {
        int bound = S.loopBound(d), i = 0;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (; i + L < bound; i += 2 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, xb + i));
            a1 = a1.add(FloatVector.fromArray(S, x, xb + i + L));
        }
        if (i < bound) a0 = a0.add(FloatVector.fromArray(S, x, xb + i));
        if (bound < d) a1 = a1.add(FloatVector.fromArray(S, x, xb + bound, S.indexInRange(bound, d)));
        float mean = Lanes.sum(a0.add(a1)) / d;
        a0 = FloatVector.zero(S);
        a1 = FloatVector.zero(S);
        for (i = 0; i + L < bound; i += 2 * L) {
            FloatVector c0 = FloatVector.fromArray(S, x, xb + i).sub(mean);
            FloatVector c1 = FloatVector.fromArray(S, x, xb + i + L).sub(mean);
            a0 = c0.fma(c0, a0);
            a1 = c1.fma(c1, a1);
        }
        if (i < bound) {
            FloatVector c = FloatVector.fromArray(S, x, xb + i).sub(mean);
            a0 = c.fma(c, a0);
        }
        if (bound < d) {
            VectorMask<Float> m = S.indexInRange(bound, d);
            FloatVector c = FloatVector.fromArray(S, x, xb + bound, m).sub(mean);
            a1 = a1.add(c.mul(c), m);
        }
        float var = Lanes.sum(a0.add(a1)) / d;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        for (i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xb + i)
                    .sub(mean)
                    .mul(rstd)
                    .mul(FloatVector.fromArray(S, w, wo + i))
                    .add(FloatVector.fromArray(S, b, bo + i))
                    .intoArray(o, ob + i);
        }
        if (bound < d) {
            VectorMask<Float> m = S.indexInRange(bound, d);
            FloatVector.fromArray(S, x, xb + bound, m)
                    .sub(mean)
                    .mul(rstd)
                    .mul(FloatVector.fromArray(S, w, wo + bound, m))
                    .add(FloatVector.fromArray(S, b, bo + bound, m))
                    .intoArray(o, ob + bound, m);
        }
        return CpuLayerNorm.pack(mean, rstd);
    }

    /**
     * One row of the backward pass: with xhat = (x - mu) rs and gw = g w, adds g xhat to pw[pb..pb+d)
     * and g to pbias[pb..pb+d) (when pw is not null), then writes
     * o = (gw - mean(gw) - xhat mean(gw xhat)) rs.
     */
    static void backward(
            float[] x,
            int xb,
            float[] g,
            int gb,
            float[] w,
            int wo,
            float mu,
            float rs,
            float[] o,
            int ob,
            float[] pw,
            float[] pbias,
            int pb,
            int d) {
        int bound = S.loopBound(d), i;
        FloatVector sumGw = FloatVector.zero(S), sumGwx = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, xb + i).sub(mu).mul(rs);
            FloatVector gv = FloatVector.fromArray(S, g, gb + i);
            FloatVector gw = gv.mul(FloatVector.fromArray(S, w, wo + i));
            sumGw = sumGw.add(gw);
            sumGwx = gw.fma(xh, sumGwx);
            if (pw != null) {
                FloatVector.fromArray(S, pw, pb + i).add(gv.mul(xh)).intoArray(pw, pb + i);
                FloatVector.fromArray(S, pbias, pb + i).add(gv).intoArray(pbias, pb + i);
            }
        }
        if (bound < d) {
            VectorMask<Float> m = S.indexInRange(bound, d);
            FloatVector xh = FloatVector.fromArray(S, x, xb + i, m).sub(mu).mul(rs);
            FloatVector gv = FloatVector.fromArray(S, g, gb + i, m);
            FloatVector gw = gv.mul(FloatVector.fromArray(S, w, wo + i, m));
            sumGw = sumGw.add(gw);
            sumGwx = gw.fma(xh, sumGwx);
            if (pw != null) {
                FloatVector.fromArray(S, pw, pb + i, m).add(gv.mul(xh)).intoArray(pw, pb + i, m);
                FloatVector.fromArray(S, pbias, pb + i, m).add(gv).intoArray(pbias, pb + i, m);
            }
        }
        float a = Lanes.sum(sumGw) / d, c = Lanes.sum(sumGwx) / d;
        for (i = 0; i < bound; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, xb + i).sub(mu).mul(rs);
            FloatVector gw = FloatVector.fromArray(S, g, gb + i).mul(FloatVector.fromArray(S, w, wo + i));
            gw.sub(a).sub(xh.mul(c)).mul(rs).intoArray(o, ob + i);
        }
        if (bound < d) {
            VectorMask<Float> m = S.indexInRange(bound, d);
            FloatVector xh = FloatVector.fromArray(S, x, xb + i, m).sub(mu).mul(rs);
            FloatVector gw = FloatVector.fromArray(S, g, gb + i, m).mul(FloatVector.fromArray(S, w, wo + i, m));
            gw.sub(a).sub(xh.mul(c)).mul(rs).intoArray(o, ob + i, m);
        }
    }
}
