package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;

/**
 * Layer norm over rows: x, out: (R, D); weight, bias: (D) or null; mean, rstd: (R) or null.
 * Per row: mean = sum x / D; var = sum (x - mean)^2 / D (biased, two passes for accuracy);
 * rstd = 1 / sqrt(var + eps) (computed in double, then rounded); out = (x - mean) rstd w + b.
 * Rows may have any row stride; a row whose elements are not contiguous is copied first. One row
 * per work item: three passes over a row that stays in L1 ({@link LayerNormRow} holds the F32
 * vector kernel). Each row's statistics are written by the worker that computed them.
 */
final class CpuLayerNorm {
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
        for (Tensor s : new Tensor[] {mean, rstd}) {
            if (s != null && (s.rank() != 1 || s.size(0) != rows || s.dtype() != x.dtype())) {
                throw new IllegalArgumentException("layer_norm: mean/rstd must be (" + rows + ",) " + x.dtype()
                        + " for x " + x.shape() + ", got " + s.shape() + " " + s.dtype());
            }
        }
        if (rows == 0) return;
        Tensor xc = d > 1 && x.stride(1) != 1 ? x.contiguous() : x;
        Tensor oc = d > 1 && out.stride(1) != 1 ? Tensor.emptyLike(out, out.dtype(), rows, d) : out;
        Tensor w = weight == null ? null : weight.contiguous(), b = bias == null ? null : bias.contiguous();
        int xo = xc.offset(), xs = xc.stride(0), oo = oc.offset(), os = oc.stride(0);
        int mo = mean == null ? 0 : mean.offset(), mst = mean == null ? 0 : mean.stride(0);
        int ro = rstd == null ? 0 : rstd.offset(), rst = rstd == null ? 0 : rstd.stride(0);
        int grain = Math.max(1, 16384 / Math.max(1, d));
        if (x.dtype() == DType.F32) {
            float[] xa = CpuElementwise.host(xc).f32(),
                    oa = CpuElementwise.host(oc).f32();
            float[] wa = w == null ? null : CpuElementwise.host(w).f32(),
                    ba = b == null ? null : CpuElementwise.host(b).f32();
            float[] ma = mean == null ? null : CpuElementwise.host(mean).f32(),
                    ra = rstd == null ? null : CpuElementwise.host(rstd).f32();
            int wo = w == null ? 0 : w.offset(), bo = b == null ? 0 : b.offset();
            float[] wv = wa != null ? wa : LayerNormRow.ones(d), bv = ba != null ? ba : LayerNormRow.negativeZeros(d);
            // Each row writes its own mean and rstd: distinct elements, so workers write them directly.
            Parallel.forRange(rows, grain, (start, end) -> {
                for (int r = start; r < end; r++) {
                    int xb = xo + r * xs, ob = oo + r * os;
                    long stats = scalar
                            ? rowScalar(xa, xb, wa, wo, ba, bo, oa, ob, d, eps)
                            : LayerNormRow.forward(xa, xb, wv, wo, bv, bo, oa, ob, d, eps);
                    if (ma != null) ma[mo + r * mst] = Float.intBitsToFloat((int) (stats >>> 32));
                    if (ra != null) ra[ro + r * rst] = Float.intBitsToFloat((int) stats);
                }
            });
        } else {
            CpuStorage ms = mean == null ? null : CpuElementwise.host(mean),
                    rs = rstd == null ? null : CpuElementwise.host(rstd);
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

    /** A row's mean and rstd packed in one long (mean's bits high, rstd's low), so no array is needed. */
    static long pack(float mean, float rstd) {
        return ((long) Float.floatToRawIntBits(mean) << 32) | (Float.floatToRawIntBits(rstd) & 0xFFFFFFFFL);
    }

    private static long rowScalar(
            float[] x, int xb, float[] w, int wo, float[] b, int bo, float[] o, int ob, int d, double eps) {
        float sum = 0f;
        for (int i = 0; i < d; i++) sum += x[xb + i];
        float mean = sum / d;
        float sq = 0f;
        for (int i = 0; i < d; i++) {
            float c = x[xb + i] - mean;
            sq += c * c;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / d + eps));
        for (int i = 0; i < d; i++) {
            float y = (x[xb + i] - mean) * rstd;
            if (w != null) y *= w[wo + i];
            if (b != null) y += b[bo + i];
            o[ob + i] = y;
        }
        return pack(mean, rstd);
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
