package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm backward over rows. x, gradOut, dx: (R, D); weight, dweight, dbias: (D) or null;
 * mean, rstd: (R), saved by the forward pass. Per row, with xhat = (x - mean) rstd and gw = g w:
 * dx = ((gw - mean(gw)) - xhat mean(gw xhat)) rstd. Over rows: dweight = sum g xhat, dbias = sum g.
 *
 * <p>Determinism: rows are cut into blocks of {@link #BLOCK_ROWS}, a constant, so the blocks do not
 * depend on the thread count. Each block sums its rows in order into its own partial (D) vector, and
 * the partials are then added in block order, so dweight and dbias are the same bits on any number of
 * threads. The column sums are elementwise (no lane reduction), so vector and twin agree on them up
 * to xhat's rounding. The F32 vector row kernel is {@link LayerNormRow#backward}.
 */
final class CpuLayerNormBackward {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    static final int BLOCK_ROWS = 32;

    private CpuLayerNormBackward() {}

    static void layerNormBackward(
            Tensor x,
            Tensor weight,
            Tensor mean,
            Tensor rstd,
            Tensor gradOut,
            Tensor dx,
            Tensor dweight,
            Tensor dbias) {
        layerNormBackward(x, weight, mean, rstd, gradOut, dx, dweight, dbias, KernelMode.SCALAR);
    }

    static void layerNormBackward(
            Tensor x,
            Tensor weight,
            Tensor mean,
            Tensor rstd,
            Tensor gradOut,
            Tensor dx,
            Tensor dweight,
            Tensor dbias,
            boolean scalar) {
        DType t = x.dtype();
        if (x.rank() != 2
                || !t.isFloating()
                || !x.shape().equals(gradOut.shape())
                || !x.shape().equals(dx.shape())
                || gradOut.dtype() != t
                || dx.dtype() != t) {
            throw new IllegalArgumentException(
                    "layer_norm_backward: needs floating rows x, gradOut, dx (R, D) of one shape, got " + x.shape()
                            + " " + t + ", " + gradOut.shape() + " " + gradOut.dtype() + ", " + dx.shape() + " "
                            + dx.dtype());
        }
        int rows = x.size(0), d = x.size(1);
        for (Tensor s : new Tensor[] {mean, rstd}) {
            if (s.rank() != 1 || s.size(0) != rows || s.dtype() != t) {
                throw new IllegalArgumentException("layer_norm_backward: mean/rstd must be (" + rows + ",) " + t
                        + " for x " + x.shape() + ", got " + s.shape() + " " + s.dtype());
            }
        }
        for (Tensor p : new Tensor[] {weight, dweight, dbias}) {
            if (p != null && (p.rank() != 1 || p.size(0) != d || p.dtype() != t)) {
                throw new IllegalArgumentException("layer_norm_backward: weight/dweight/dbias must be (" + d + ",) " + t
                        + " for x " + x.shape() + ", got " + p.shape() + " " + p.dtype());
            }
        }
        Tensor xc = rowsContiguous(x), gc = rowsContiguous(gradOut);
        Tensor oc = d > 1 && dx.stride(1) != 1 ? Tensor.emptyLike(dx, t, rows, d) : dx;
        Tensor w = weight == null ? null : weight.contiguous(), mc = mean.contiguous(), rc = rstd.contiguous();
        Rows in = new Rows(
                xc.offset(),
                xc.stride(0),
                gc.offset(),
                gc.stride(0),
                oc.offset(),
                oc.stride(0),
                w == null ? 0 : w.offset(),
                mc.offset(),
                rc.offset(),
                d);
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        boolean sums = dweight != null || dbias != null;
        if (t == DType.F32) {
            float[] xa = CpuElementwise.host(xc).f32(),
                    ga = CpuElementwise.host(gc).f32(),
                    oa = CpuElementwise.host(oc).f32();
            float[] wa = w == null ? null : CpuElementwise.host(w).f32();
            float[] ma = CpuElementwise.host(mc).f32(),
                    ra = CpuElementwise.host(rc).f32();
            float[] pw = sums ? new float[blocks * d] : null, pb = sums ? new float[blocks * d] : null;
            float[] wv = wa != null ? wa : LayerNormRow.ones(d);
            int wvo = wa != null ? in.wo() : 0;
            Parallel.forRange(blocks, 1, (start, end) -> {
                for (int b = start; b < end; b++) {
                    for (int r = b * BLOCK_ROWS, e = Math.min(rows, r + BLOCK_ROWS); r < e; r++) {
                        if (scalar) {
                            rowScalar(xa, ga, wa, ma, ra, oa, pw, pb, b * d, r, in);
                        } else {
                            LayerNormRow.backward(
                                    xa,
                                    in.xo() + r * in.xs(),
                                    ga,
                                    in.go() + r * in.gs(),
                                    wv,
                                    wvo,
                                    ma[in.mo() + r],
                                    ra[in.ro() + r],
                                    oa,
                                    in.oo() + r * in.os(),
                                    pw,
                                    pb,
                                    b * d,
                                    d);
                        }
                    }
                }
            });
            if (sums) {
                float[] sw = new float[d], sb = new float[d];
                sumBlocks(pw, sw, blocks, d);
                sumBlocks(pb, sb, blocks, d);
                for (int j = 0; j < d; j++) {
                    write(dweight, j, sw[j]);
                    write(dbias, j, sb[j]);
                }
            }
        } else {
            double[] xa = CpuElementwise.host(xc).f64(),
                    ga = CpuElementwise.host(gc).f64(),
                    oa = CpuElementwise.host(oc).f64();
            double[] wa = w == null ? null : CpuElementwise.host(w).f64();
            double[] ma = CpuElementwise.host(mc).f64(),
                    ra = CpuElementwise.host(rc).f64();
            double[] pw = sums ? new double[blocks * d] : null, pb = sums ? new double[blocks * d] : null;
            Parallel.forRange(blocks, 1, (start, end) -> {
                for (int b = start; b < end; b++) {
                    for (int r = b * BLOCK_ROWS, e = Math.min(rows, r + BLOCK_ROWS); r < e; r++)
                        rowF64(xa, ga, wa, ma, ra, oa, pw, pb, b * d, r, in);
                }
            });
            if (sums) {
                for (int j = 0; j < d; j++) {
                    double sw = 0, sb = 0;
                    for (int b = 0; b < blocks; b++) {
                        sw += pw[b * d + j];
                        sb += pb[b * d + j];
                    }
                    write(dweight, j, sw);
                    write(dbias, j, sb);
                }
            }
        }
        if (oc != dx) dx.copyFrom(oc);
    }

    /** Offsets and row strides of the row operands, and the offsets of the (D) and (R) vectors. */
    private record Rows(int xo, int xs, int go, int gs, int oo, int os, int wo, int mo, int ro, int d) {}

    private static Tensor rowsContiguous(Tensor t) {
        return t.size(1) > 1 && t.stride(1) != 1 ? t.contiguous() : t;
    }

    /** The block partials are added in block order, after all blocks are done. */
    private static void write(Tensor v, int j, double value) {
        if (v != null) CpuElementwise.host(v).setDouble(v.offset() + j * v.stride(0), value);
    }

    /**
     * sums[j] = 0 + partials[0][j] + partials[1][j] + ..., in block order: a vector of adjacent
     * columns at a time, each column added in the same order as a scalar loop would.
     */
    private static void sumBlocks(float[] partials, float[] sums, int blocks, int d) {
        int bound = SPECIES.loopBound(d), j = 0;
        for (; j < bound; j += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int b = 0; b < blocks; b++) acc = acc.add(FloatVector.fromArray(SPECIES, partials, b * d + j));
            acc.intoArray(sums, j);
        }
        for (; j < d; j++) {
            float acc = 0f;
            for (int b = 0; b < blocks; b++) acc += partials[b * d + j];
            sums[j] = acc;
        }
    }

    private static void rowScalar(
            float[] x,
            float[] g,
            float[] w,
            float[] mean,
            float[] rstd,
            float[] o,
            float[] pw,
            float[] pb,
            int pbase,
            int r,
            Rows in) {
        int d = in.d(), xb = in.xo() + r * in.xs(), gb = in.go() + r * in.gs(), ob = in.oo() + r * in.os();
        float mu = mean[in.mo() + r], rs = rstd[in.ro() + r];
        float sumGw = 0f, sumGwx = 0f;
        for (int i = 0; i < d; i++) {
            float xh = (x[xb + i] - mu) * rs, gv = g[gb + i];
            float gw = w == null ? gv : gv * w[in.wo() + i];
            sumGw += gw;
            sumGwx += gw * xh;
            if (pw != null) {
                pw[pbase + i] += gv * xh;
                pb[pbase + i] += gv;
            }
        }
        float a = sumGw / d, b = sumGwx / d;
        for (int i = 0; i < d; i++) {
            float xh = (x[xb + i] - mu) * rs, gv = g[gb + i];
            float gw = w == null ? gv : gv * w[in.wo() + i];
            o[ob + i] = (gw - a - xh * b) * rs;
        }
    }

    private static void rowF64(
            double[] x,
            double[] g,
            double[] w,
            double[] mean,
            double[] rstd,
            double[] o,
            double[] pw,
            double[] pb,
            int pbase,
            int r,
            Rows in) {
        int d = in.d(), xb = in.xo() + r * in.xs(), gb = in.go() + r * in.gs(), ob = in.oo() + r * in.os();
        double mu = mean[in.mo() + r], rs = rstd[in.ro() + r];
        double sumGw = 0, sumGwx = 0;
        for (int i = 0; i < d; i++) {
            double xh = (x[xb + i] - mu) * rs, gv = g[gb + i];
            double gw = w == null ? gv : gv * w[in.wo() + i];
            sumGw += gw;
            sumGwx += gw * xh;
            if (pw != null) {
                pw[pbase + i] += gv * xh;
                pb[pbase + i] += gv;
            }
        }
        double a = sumGw / d, b = sumGwx / d;
        for (int i = 0; i < d; i++) {
            double xh = (x[xb + i] - mu) * rs, gv = g[gb + i];
            double gw = w == null ? gv : gv * w[in.wo() + i];
            o[ob + i] = (gw - a - xh * b) * rs;
        }
    }
}
