package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm over rows: x, out: (R, D); weight, bias: (D) or null; mean, rstd: (R) or null.
 * Per row: mean = sum x / D; var = sum (x - mean)^2 / D (biased, two passes for accuracy);
 * rstd = 1 / sqrt(var + eps) (computed in double, then rounded); out = (x - mean) rstd w + b.
 * Rows may have any row stride; a row whose elements are not contiguous is copied first. One row
 * per work item: three passes over a row that stays in L1.
 */
final class CpuLayerNorm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private CpuLayerNorm() {}

    static void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        layerNorm(x, weight, bias, eps, out, mean, rstd, KernelMode.SCALAR);
    }

    static void layerNorm(
            Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd, boolean scalar) {
        if (x.rank() != 2
                || !x.shape().equals(out.shape())
                || x.dtype() != out.dtype()
                || !x.dtype().isFloating()) {
            throw new IllegalArgumentException(
                    "layer_norm: needs floating rows x (R, D) and out of the same shape, got " + x.shape() + " "
                            + x.dtype() + " -> " + out.shape() + " " + out.dtype());
        }
        int rows = x.size(0), d = x.size(1);
        if (rows == 0) return;
        Tensor xc = d > 1 && x.stride(1) != 1 ? x.contiguous() : x;
        Tensor oc = d > 1 && out.stride(1) != 1 ? Tensor.emptyLike(out, out.dtype(), rows, d) : out;
        Tensor w = weight == null ? null : weight.contiguous(), b = bias == null ? null : bias.contiguous();
        int xo = xc.offset(), xs = xc.stride(0), oo = oc.offset(), os = oc.stride(0);
        CpuStorage ms = mean == null ? null : CpuElementwise.host(mean),
                rs = rstd == null ? null : CpuElementwise.host(rstd);
        int mo = mean == null ? 0 : mean.offset(), mst = mean == null ? 0 : mean.stride(0);
        int ro = rstd == null ? 0 : rstd.offset(), rst = rstd == null ? 0 : rstd.stride(0);
        int grain = Math.max(1, 16384 / Math.max(1, d));
        if (x.dtype() == DType.F32) {
            float[] xa = CpuElementwise.host(xc).f32(),
                    oa = CpuElementwise.host(oc).f32();
            float[] wa = w == null ? null : CpuElementwise.host(w).f32(),
                    ba = b == null ? null : CpuElementwise.host(b).f32();
            int wo = w == null ? 0 : w.offset(), bo = b == null ? 0 : b.offset();
            float[] stats = new float[2 * rows];
            Parallel.forRange(rows, grain, (start, end) -> {
                for (int r = start; r < end; r++) {
                    int xb = xo + r * xs, ob = oo + r * os;
                    if (scalar) rowScalar(xa, xb, wa, wo, ba, bo, oa, ob, d, eps, stats, r);
                    else rowVector(xa, xb, wa, wo, ba, bo, oa, ob, d, eps, stats, r);
                }
            });
            writeStats(stats, rows, ms, mo, mst, rs, ro, rst);
        } else {
            double[] xa = CpuElementwise.host(xc).f64(),
                    oa = CpuElementwise.host(oc).f64();
            double[] wa = w == null ? null : CpuElementwise.host(w).f64(),
                    ba = b == null ? null : CpuElementwise.host(b).f64();
            int wo = w == null ? 0 : w.offset(), bo = b == null ? 0 : b.offset();
            double[] stats = new double[2 * rows];
            Parallel.forRange(rows, grain, (start, end) -> {
                for (int r = start; r < end; r++)
                    rowF64(xa, xo + r * xs, wa, wo, ba, bo, oa, oo + r * os, d, eps, stats, r);
            });
            for (int r = 0; r < rows; r++) {
                if (ms != null) ms.setDouble(mo + r * mst, stats[2 * r]);
                if (rs != null) rs.setDouble(ro + r * rst, stats[2 * r + 1]);
            }
        }
        if (oc != out) out.copyFrom(oc);
    }

    private static void writeStats(
            float[] stats, int rows, CpuStorage ms, int mo, int mst, CpuStorage rs, int ro, int rst) {
        for (int r = 0; r < rows; r++) {
            if (ms != null) ms.setDouble(mo + r * mst, stats[2 * r]);
            if (rs != null) rs.setDouble(ro + r * rst, stats[2 * r + 1]);
        }
    }

    private static void rowVector(
            float[] x,
            int xb,
            float[] w,
            int wo,
            float[] b,
            int bo,
            float[] o,
            int ob,
            int d,
            double eps,
            float[] stats,
            int r) {
        int bound = SPECIES.loopBound(d), i;
        VectorMask<Float> tail = SPECIES.indexInRange(bound, d);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += L) acc = acc.add(FloatVector.fromArray(SPECIES, x, xb + i));
        if (i < d) acc = acc.add(FloatVector.fromArray(SPECIES, x, xb + i, tail));
        float mean = Lanes.sum(acc) / d;
        acc = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += L) {
            FloatVector c = FloatVector.fromArray(SPECIES, x, xb + i).sub(mean);
            acc = c.fma(c, acc);
        }
        if (i < d) {
            FloatVector c = FloatVector.fromArray(SPECIES, x, xb + i, tail).sub(mean);
            acc = acc.add(c.mul(c), tail);
        }
        float var = Lanes.sum(acc) / d;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
        for (i = 0; i < d; i += L) {
            VectorMask<Float> m = SPECIES.indexInRange(i, d);
            FloatVector y =
                    FloatVector.fromArray(SPECIES, x, xb + i, m).sub(mean).mul(rstd);
            if (w != null) y = y.mul(FloatVector.fromArray(SPECIES, w, wo + i, m));
            if (b != null) y = y.add(FloatVector.fromArray(SPECIES, b, bo + i, m));
            y.intoArray(o, ob + i, m);
        }
    }

    private static void rowScalar(
            float[] x,
            int xb,
            float[] w,
            int wo,
            float[] b,
            int bo,
            float[] o,
            int ob,
            int d,
            double eps,
            float[] stats,
            int r) {
        float sum = 0f;
        for (int i = 0; i < d; i++) sum += x[xb + i];
        float mean = sum / d;
        float sq = 0f;
        for (int i = 0; i < d; i++) {
            float c = x[xb + i] - mean;
            sq += c * c;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / d + eps));
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
        for (int i = 0; i < d; i++) {
            float y = (x[xb + i] - mean) * rstd;
            if (w != null) y *= w[wo + i];
            if (b != null) y += b[bo + i];
            o[ob + i] = y;
        }
    }

    private static void rowF64(
            double[] x,
            int xb,
            double[] w,
            int wo,
            double[] b,
            int bo,
            double[] o,
            int ob,
            int d,
            double eps,
            double[] stats,
            int r) {
        double sum = 0;
        for (int i = 0; i < d; i++) sum += x[xb + i];
        double mean = sum / d;
        double sq = 0;
        for (int i = 0; i < d; i++) {
            double c = x[xb + i] - mean;
            sq += c * c;
        }
        double rstd = 1.0 / Math.sqrt(sq / d + eps);
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
        for (int i = 0; i < d; i++) {
            double y = (x[xb + i] - mean) * rstd;
            if (w != null) y *= w[wo + i];
            if (b != null) y += b[bo + i];
            o[ob + i] = y;
        }
    }
}
