package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;

/**
 * argmax / argmin along one dim, as torch: the first extreme wins ties, and a NaN counts as the
 * extreme (the first NaN's index is returned, for argmax and argmin alike). Scalar and parallel over
 * outputs; the walk along the dim follows its stride, so no copy is made.
 */
final class ArgReduce {
    private ArgReduce() {}

    static void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        int[] kept = x.sizes();
        kept[dim] = 1;
        String name = max ? "argmax" : "argmin";
        if (!Shape.of(kept).equals(out.shape()) || out.dtype() != DType.I64) {
            throw new IllegalArgumentException(
                    name + ": output " + out.shape() + " " + out.dtype() + " does not fit input " + x.shape()
                            + " along dim " + dim + " (expected I64 " + Shape.of(kept) + ")");
        }
        int n = x.size(dim), step = x.stride(dim);
        if (out.numel() == 0) return;
        if (n == 0) throw new IllegalArgumentException(name + ": dim " + dim + " is empty in shape " + x.shape());
        Tensor first = x.narrow(dim, 0, 1);
        StridedLoop loop = StridedLoop.of(first, out);
        int sx = loop.innerStride(0), so = loop.innerStride(1);
        CpuStorage xs = CpuElementwise.host(x);
        long[] o = CpuElementwise.host(out).i64();
        switch (x.dtype()) {
            case F32 -> {
                float[] a = xs.f32();
                loop.forEach((base, len) -> {
                    for (int i = 0, p = base[0], q = base[1]; i < len; i++, p += sx, q += so)
                        o[q] = argF32(a, p, step, n, max);
                });
            }
            case F64 -> {
                double[] a = xs.f64();
                loop.forEach((base, len) -> {
                    for (int i = 0, p = base[0], q = base[1]; i < len; i++, p += sx, q += so)
                        o[q] = argF64(a, p, step, n, max);
                });
            }
            default ->
                loop.forEach((base, len) -> {
                    for (int i = 0, p = base[0], q = base[1]; i < len; i++, p += sx, q += so)
                        o[q] = argLong(xs, p, step, n, max);
                });
        }
    }

    private static int argF32(float[] a, int p, int step, int n, boolean max) {
        float best = a[p];
        if (best != best) return 0;
        int at = 0;
        for (int k = 1, q = p + step; k < n; k++, q += step) {
            float v = a[q];
            if (v != v) return k;
            if (max ? v > best : v < best) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    private static int argF64(double[] a, int p, int step, int n, boolean max) {
        double best = a[p];
        if (best != best) return 0;
        int at = 0;
        for (int k = 1, q = p + step; k < n; k++, q += step) {
            double v = a[q];
            if (v != v) return k;
            if (max ? v > best : v < best) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    private static int argLong(CpuStorage a, int p, int step, int n, boolean max) {
        long best = a.getLong(p);
        int at = 0;
        for (int k = 1, q = p + step; k < n; k++, q += step) {
            long v = a.getLong(q);
            if (max ? v > best : v < best) {
                best = v;
                at = k;
            }
        }
        return at;
    }
}
