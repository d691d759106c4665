package dev.loupe.tensor;

import java.util.Arrays;

/** Layout arithmetic shared by the view ops. */
final class Views {
    private Views() {}

    /** Resolves one -1 in {@code wanted}; checks the element count. */
    static int[] inferShape(String op, int[] shape, int[] wanted) {
        int n = Shape.numel(shape);
        int[] dims = wanted.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0)
                    throw new IllegalArgumentException(op + ": more than one -1 in " + Shape.format(wanted));
                infer = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shape.format(wanted));
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shape.format(wanted) + " for shape "
                        + Shape.format(shape) + " (" + n + " elements)");
            }
            dims[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Shape.format(shape) + " (" + n
                    + " elements) cannot become " + Shape.format(wanted) + " (" + known + " elements)");
        }
        return dims;
    }

    /**
     * Strides that view (shape, strides) as {@code dims} without copying, or null if impossible.
     * Works chunk by chunk: each maximal run of old dims that is contiguous within itself must map
     * onto a run of new dims with the same element count (the rule torch's view follows).
     */
    static int[] reshapeStrides(int[] shape, int[] strides, int[] dims) {
        int[] out = new int[dims.length];
        if (Shape.numel(shape) == 0) return Shape.contiguousStrides(dims);
        int oi = 0, ni = 0;
        int oRank = shape.length, nRank = dims.length;
        while (ni < nRank || oi < oRank) {
            // skip size-1 dims on both sides; they take any stride
            if (ni < nRank && dims[ni] == 1) {
                out[ni] = 1;
                ni++;
                continue;
            }
            if (oi < oRank && shape[oi] == 1) {
                oi++;
                continue;
            }
            if (ni >= nRank || oi >= oRank) return null;
            // gather an old chunk that is contiguous within itself
            long oldCount = shape[oi];
            int chunkEnd = oi;
            long newCount = 1;
            int nStart = ni;
            while (true) {
                while (newCount < oldCount && ni < nRank) newCount *= dims[ni++];
                if (newCount == oldCount) break;
                if (newCount > oldCount) {
                    int next = chunkEnd + 1;
                    while (next < oRank && shape[next] == 1) next++;
                    if (next >= oRank || strides[chunkEnd] != (long) strides[next] * shape[next]) return null;
                    chunkEnd = next;
                    oldCount *= shape[next];
                } else {
                    return null;
                }
            }
            // new dims nStart..ni-1 cover old dims oi..chunkEnd; innermost stride is the chunk's last
            int stride = strides[chunkEnd];
            for (int k = ni - 1; k >= nStart; k--) {
                out[k] = stride;
                stride *= dims[k];
            }
            oi = chunkEnd + 1;
        }
        return out;
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }

    /** The sizes after merging dims start..end (inclusive) of shape into one. */
    static int[] flattenedShape(int[] shape, int start, int end) {
        int s = Shape.normalizeDim(start, shape.length), e = Shape.normalizeDim(end, shape.length);
        int[] dims = new int[shape.length - (e - s)];
        int k = 0, merged = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < s || i > e) dims[k++] = shape[i];
            else {
                merged *= shape[i];
                if (i == e) dims[k++] = merged;
            }
        }
        return dims;
    }

    /** {sizes, strides} with result dim i taken from dim order[i]; each dim exactly once. */
    static int[][] permuted(int[] shape, int[] strides, int[] order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " does not match rank "
                    + shape.length + " of shape " + Shape.format(shape));
        }
        int[] dims = new int[order.length], st = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int d = Shape.normalizeDim(order[i], shape.length);
            if (seen[d])
                throw new IllegalArgumentException(
                        "permute: dimension " + d + " repeated in " + Arrays.toString(order));
            seen[d] = true;
            dims[i] = shape[d];
            st[i] = strides[d];
        }
        return new int[][] {dims, st};
    }

    /** {sizes, strides} broadcasting (shape, strides) to newShape (NumPy rules; -1 keeps a size), stride 0 where it grows. */
    static int[][] expanded(int[] shape, int[] strides, int[] newShape) {
        int extra = newShape.length - shape.length;
        if (extra < 0) {
            throw new IllegalArgumentException(
                    "expand: cannot expand shape " + Shape.format(shape) + " to fewer dims " + Shape.format(newShape));
        }
        int[] dims = new int[newShape.length], st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int j = i - extra;
            int own = j >= 0 ? shape[j] : 1;
            int want = newShape[i] == -1 && j >= 0 ? own : newShape[i];
            if (own == want) {
                dims[i] = own;
                st[i] = j >= 0 ? strides[j] : 0;
            } else if (own == 1) {
                dims[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: shape " + Shape.format(shape) + " cannot be broadcast to "
                        + Shape.format(newShape) + " (dim " + i + ": " + own + " vs " + want + ")");
            }
        }
        return new int[][] {dims, st};
    }

    /** Storage index of the element at index (one entry per dim, each within its size). */
    static int storageIndex(int[] shape, int[] strides, int offset, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " entries for a tensor of shape " + Shape.format(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " outside shape " + Shape.format(shape));
            }
            p += index[i] * strides[i];
        }
        return p;
    }
}
