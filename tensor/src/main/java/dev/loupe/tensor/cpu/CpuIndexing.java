package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;

/**
 * gather, scatter_add and index_select (torch semantics, no negative-index wrapping) on host
 * tensors of any layout. Values may be F32, F64, I32, I64 or BOOL; indices I32 or I64.
 *
 * <p>Each op is walked with {@link StridedLoop} over operands of the index's shape: the data operand
 * is viewed with stride 0 along {@code dim}, so the walk yields the storage position of the slice and
 * the kernel adds {@code index * stride(dim)}. Indices are range-checked up front on the calling
 * thread, so an error carries its message (exceptions rethrown from pool workers lose it) and names
 * the first bad index in row-major order whatever the thread count.
 *
 * <p>Memory-bound: no Vector API, hence no scalar twin.
 */
final class CpuIndexing {
    private CpuIndexing() {}

    /** out[p] = x[p with p[dim] := index[p]]; out and index share a shape. */
    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        requireSameShape("gather", index, out);
        requireFits("gather", x, dim, index.sizes());
        checkIndices("gather", index, dim, x.size(dim));
        if (out.numel() == 0) return;
        // xs: x seen with index's shape, its position along dim supplied by the index
        Tensor xs = sliceView(x, dim, index.sizes(), x.strides());
        copySelected(xs, x.stride(dim), index, out);
    }

    /** out = x.index_select(dim, index); index is 1-D, out has x's shape with dim resized to index's length. */
    static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        if (index.rank() != 1)
            throw new IllegalArgumentException("index_select: index must be 1-D, got " + index.shape());
        int[] shape = x.sizes();
        shape[dim] = index.size(0);
        if (!out.shape().equals(Shape.of(shape))) {
            throw new IllegalArgumentException("index_select: out " + out.shape() + " does not match input " + x.shape()
                    + " with dim " + dim + " resized to " + index.size(0));
        }
        checkIndices("index_select", index, dim, x.size(dim));
        if (out.numel() == 0) return;
        // the 1-D index broadcast to out's shape turns index_select into a gather
        int[] idxStrides = new int[shape.length];
        idxStrides[dim] = index.stride(0);
        Tensor wide = Tensor.view(index.storage(), shape, idxStrides, index.offset());
        Tensor xs = sliceView(x, dim, shape, x.strides());
        copySelected(xs, x.stride(dim), wide, out);
    }

    /**
     * out[p with p[dim] := index[p]] += src[p] for every position p of index, in place. Deterministic:
     * dim is walked innermost and in ascending order inside one run, and all additions into one
     * output element come from one run, so the order of the sums never depends on the thread count.
     */
    static void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        int[] shape = index.sizes();
        requireFits("scatter_add", out, dim, shape);
        boolean fitsSrc = src.rank() == shape.length;
        for (int i = 0; fitsSrc && i < shape.length; i++) fitsSrc = shape[i] <= src.size(i);
        if (!fitsSrc)
            throw new IllegalArgumentException(
                    "scatter_add: index " + index.shape() + " does not fit src " + src.shape());
        if (src.dtype() != out.dtype()) {
            throw new IllegalArgumentException(
                    "scatter_add: src dtype " + src.dtype() + " differs from out dtype " + out.dtype());
        }
        requireNoOverlap(out);
        checkIndices("scatter_add", index, dim, out.size(dim));
        if (index.numel() == 0) return;
        Tensor outs = sliceView(out, dim, shape, out.strides());
        Tensor srcs = Tensor.view(src.storage(), shape, src.strides(), src.offset());
        int[] order = dimLast(shape.length, dim);
        StridedLoop loop = StridedLoop.of(outs.permute(order), index.permute(order), srcs.permute(order));
        int os = loop.innerStride(0), is = loop.innerStride(1), ss = loop.innerStride(2);
        int step = out.stride(dim);
        CpuStorage o = (CpuStorage) out.storage(), s = (CpuStorage) src.storage();
        Indices idx = Indices.of(index);
        switch (out.dtype()) {
            case F32 -> {
                float[] a = o.f32(), b = s.f32();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += os, q += is, r += ss) {
                        a[p + idx.at(q) * step] += b[r];
                    }
                });
            }
            case F64 -> {
                double[] a = o.f64(), b = s.f64();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += os, q += is, r += ss) {
                        a[p + idx.at(q) * step] += b[r];
                    }
                });
            }
            case I32 -> {
                int[] a = o.i32(), b = s.i32();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += os, q += is, r += ss) {
                        a[p + idx.at(q) * step] += b[r];
                    }
                });
            }
            case I64 -> {
                long[] a = o.i64(), b = s.i64();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += os, q += is, r += ss) {
                        a[p + idx.at(q) * step] += b[r];
                    }
                });
            }
            // torch adds booleans as logical or
            case BOOL -> {
                byte[] a = o.bool(), b = s.bool();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += os, q += is, r += ss) {
                        a[p + idx.at(q) * step] |= (byte) (b[r] != 0 ? 1 : 0);
                    }
                });
            }
        }
    }

    /** out[p] = xs[p] + index[p] * step, element by element; xs, index and out share a shape. */
    private static void copySelected(Tensor xs, int step, Tensor index, Tensor out) {
        StridedLoop loop = StridedLoop.of(xs, index, out);
        int xsS = loop.innerStride(0), is = loop.innerStride(1), os = loop.innerStride(2);
        CpuStorage x = (CpuStorage) xs.storage(), o = (CpuStorage) out.storage();
        Indices idx = Indices.of(index);
        if (x.dtype() != o.dtype()) {
            throw new IllegalArgumentException(
                    "indexing: out dtype " + o.dtype() + " differs from input dtype " + x.dtype());
        }
        switch (x.dtype()) {
            case F32 -> {
                float[] a = x.f32(), b = o.f32();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += xsS, q += is, r += os) {
                        b[r] = a[p + idx.at(q) * step];
                    }
                });
            }
            case F64 -> {
                double[] a = x.f64(), b = o.f64();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += xsS, q += is, r += os) {
                        b[r] = a[p + idx.at(q) * step];
                    }
                });
            }
            case I32 -> {
                int[] a = x.i32(), b = o.i32();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += xsS, q += is, r += os) {
                        b[r] = a[p + idx.at(q) * step];
                    }
                });
            }
            case I64 -> {
                long[] a = x.i64(), b = o.i64();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += xsS, q += is, r += os) {
                        b[r] = a[p + idx.at(q) * step];
                    }
                });
            }
            case BOOL -> {
                byte[] a = x.bool(), b = o.bool();
                loop.forEach((base, n) -> {
                    for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += xsS, q += is, r += os) {
                        b[r] = a[p + idx.at(q) * step];
                    }
                });
            }
        }
    }

    /**
     * t's storage seen with {@code shape} and stride 0 along dim (the walk then lands on the start of
     * the selected line). Callers have checked shape fits t outside dim and that the walk is not empty.
     */
    private static Tensor sliceView(Tensor t, int dim, int[] shape, int[] strides) {
        int[] st = strides.clone();
        st[dim] = 0;
        return Tensor.view(t.storage(), shape, st, t.offset());
    }

    /** A permutation moving {@code dim} to the end, the others kept in order. */
    private static int[] dimLast(int rank, int dim) {
        int[] order = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != dim) order[k++] = i;
        order[rank - 1] = dim;
        return order;
    }

    private static void requireSameShape(String op, Tensor index, Tensor out) {
        if (!index.shape().equals(out.shape())) {
            throw new IllegalArgumentException(
                    op + ": out " + out.shape() + " must have the shape of index " + index.shape());
        }
    }

    /** index's shape must not exceed t's outside dim (torch's rule), so the stride-0 view stays in bounds. */
    private static void requireFits(String op, Tensor t, int dim, int[] shape) {
        boolean fits = shape.length == t.rank() && dim >= 0 && dim < shape.length;
        for (int i = 0; fits && i < shape.length; i++) fits = i == dim || shape[i] <= t.size(i);
        if (!fits) {
            throw new IllegalArgumentException(
                    op + ": index " + Shape.format(shape) + " does not fit " + t.shape() + " outside dim " + dim);
        }
    }

    /** Two index positions writing one memory location would make scatter_add racy (torch refuses too). */
    private static void requireNoOverlap(Tensor out) {
        for (int i = 0; i < out.rank(); i++) {
            if (out.size(i) > 1 && out.stride(i) == 0) {
                throw new IllegalArgumentException("scatter_add: out " + out.shape() + " with strides "
                        + Shape.format(out.strides()) + " has several elements at one memory location");
            }
        }
    }

    /** Throws for the first index (row-major order) outside [0, size). */
    private static void checkIndices(String op, Tensor index, int dim, int size) {
        if (index.dtype() != DType.I32 && index.dtype() != DType.I64) {
            throw new IllegalArgumentException(op + ": index must be I32 or I64, got " + index.dtype());
        }
        int n = index.numel();
        if (n == 0) return;
        Indices idx = Indices.of(index);
        int[] shape = index.sizes(), strides = index.strides();
        int rank = shape.length;
        int[] pos = new int[rank];
        int p = index.offset();
        for (int k = 0; k < n; k++) {
            int v = idx.at(p);
            if (v < 0 || v >= size) {
                long raw = ((CpuStorage) index.storage()).getLong(p);
                throw new IndexOutOfBoundsException(op + ": index " + raw + " is out of range for dim " + dim
                        + " of size " + size + " (at index position " + Arrays.toString(pos) + ")");
            }
            // odometer step over index's layout, last dim fastest
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < shape[d]) {
                    p += strides[d];
                    break;
                }
                pos[d] = 0;
                p -= (shape[d] - 1) * strides[d];
            }
        }
    }

    /**
     * Reads an I32 or I64 index as an int. I64 values outside int range map to -1, which every range
     * check rejects (checkIndices reports the raw value).
     */
    private record Indices(int[] i32, long[] i64) {
        static Indices of(Tensor index) {
            CpuStorage s = (CpuStorage) index.storage();
            return index.dtype() == DType.I32 ? new Indices(s.i32(), null) : new Indices(null, s.i64());
        }

        int at(int p) {
            if (i32 != null) return i32[p];
            long v = i64[p];
            return v == (int) v ? (int) v : -1;
        }
    }
}
