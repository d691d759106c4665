package dev.loupe.tensor.cpu;

/**
 * Where the elements of each output of a reduction live in a contiguous input. Size-1 dims are
 * dropped and neighbouring dims of one kind (kept or reduced) merged, leaving alternating groups.
 * The innermost group decides the kernel:
 * <ul>
 *   <li>reduced ({@link #innerReduced}): every output row reads {@code offsets.length} contiguous
 *       runs of {@link #inner} elements (a sum over the last dim, or over all dims);</li>
 *   <li>kept: each output row is {@link #inner} contiguous outputs, and every reduced element is a
 *       contiguous slice of the same length at {@code base + offset} (a sum of (B, D) over B), so the
 *       kernel vectorises across outputs.</li>
 * </ul>
 * Offsets are enumerated in row-major order of the reduced dims: the order of every sum is fixed.
 */
final class ReduceLayout {
    final boolean innerReduced;
    final int inner; // length of the innermost group
    final int rows; // output rows: numel(out) / (innerReduced ? 1 : inner)
    final int count; // reduced elements per output
    final int[] offsets; // start of each reduced run (innerReduced) or slice (kept), relative to base
    private final int[] rowSizes, rowStrides; // kept groups outside the inner one, outermost first

    private ReduceLayout(
            boolean innerReduced, int inner, int rows, int count, int[] offsets, int[] rowSizes, int[] rowStrides) {
        this.innerReduced = innerReduced;
        this.inner = inner;
        this.rows = rows;
        this.count = count;
        this.offsets = offsets;
        this.rowSizes = rowSizes;
        this.rowStrides = rowStrides;
    }

    /** sizes: a contiguous input's shape; dims: sorted, distinct dims to reduce. */
    static ReduceLayout of(int[] sizes, int[] dims) {
        int rank = sizes.length;
        boolean[] reduced = new boolean[rank];
        for (int d : dims) reduced[d] = true;
        int[] stride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            stride[i] = s;
            s *= sizes[i];
        }
        int[] gSize = new int[rank], gStride = new int[rank];
        boolean[] gReduced = new boolean[rank];
        int g = 0;
        for (int i = 0; i < rank; i++) {
            if (sizes[i] == 1) continue;
            if (g > 0 && gReduced[g - 1] == reduced[i]) {
                gSize[g - 1] *= sizes[i];
                gStride[g - 1] = stride[i];
            } else {
                gSize[g] = sizes[i];
                gStride[g] = stride[i];
                gReduced[g] = reduced[i];
                g++;
            }
        }
        // A single element, or nothing left: one output reading one run of one element.
        boolean innerReduced = g == 0 || gReduced[g - 1];
        int inner = g == 0 ? 1 : gSize[g - 1];
        int groups = g == 0 ? 0 : g - 1; // groups outside the inner one
        int nRow = 0, nRed = 0;
        for (int i = 0; i < groups; i++)
            if (gReduced[i]) nRed++;
            else nRow++;
        int[] rowSizes = new int[nRow],
                rowStrides = new int[nRow],
                redSizes = new int[nRed],
                redStrides = new int[nRed];
        for (int i = 0, r = 0, k = 0; i < groups; i++) {
            if (gReduced[i]) {
                redSizes[r] = gSize[i];
                redStrides[r++] = gStride[i];
            } else {
                rowSizes[k] = gSize[i];
                rowStrides[k++] = gStride[i];
            }
        }
        int rows = 1;
        for (int s : rowSizes) rows *= s;
        int[] offsets = enumerate(redSizes, redStrides);
        int count = offsets.length * (innerReduced ? inner : 1);
        return new ReduceLayout(innerReduced, inner, rows, count, offsets, rowSizes, rowStrides);
    }

    /** All offsets sum(i_k * stride_k) in row-major order of the indices. */
    private static int[] enumerate(int[] sizes, int[] strides) {
        int n = 1;
        for (int s : sizes) n *= s;
        int[] out = new int[n];
        int[] idx = new int[sizes.length];
        for (int e = 0, off = 0; e < n; e++) {
            out[e] = off;
            for (int d = sizes.length - 1; d >= 0; d--) {
                off += strides[d];
                if (++idx[d] < sizes[d]) break;
                off -= strides[d] * sizes[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Input offset (relative to the input's own offset) of output row {@code row}. */
    int base(int row) {
        int off = 0;
        for (int d = rowSizes.length - 1; d >= 0; d--) {
            off += (row % rowSizes[d]) * rowStrides[d];
            row /= rowSizes[d];
        }
        return off;
    }
}
