package dev.loupe.tensor;

import java.util.List;

/** Front end of the indexing and assembly ops. concat, stack, pad and im2col are built from views and copies. */
public final class Indexing {
    private Indexing() {}

    /** torch.gather: out has index's shape; out[..i..] = x[..index[..i..]..] along {@code dim}. */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shape.normalizeDim(dim, x.rank());
        requireIndex("gather", index);
        if (index.rank() != x.rank()) {
            throw new IllegalArgumentException(
                    "gather: index " + index.shape() + " must have the rank of input " + x.shape());
        }
        for (int i = 0; i < x.rank(); i++) {
            if (i != d && index.size(i) > x.size(i)) {
                throw new IllegalArgumentException(
                        "gather: index " + index.shape() + " larger than input " + x.shape() + " at dim " + i);
            }
        }
        Tensor out = Tensor.emptyLike(x, x.dtype(), index.sizes());
        x.backend().gather(x, d, index, out);
        return out;
    }

    /** torch.scatter_add (out of place): a copy of x with src added at index along {@code dim}. */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int d = Shape.normalizeDim(dim, x.rank());
        requireIndex("scatter_add", index);
        if (index.rank() != x.rank() || src.rank() != x.rank()) {
            throw new IllegalArgumentException("scatter_add: input " + x.shape() + ", index " + index.shape()
                    + " and src " + src.shape() + " must share a rank");
        }
        for (int i = 0; i < x.rank(); i++) {
            if (index.size(i) > src.size(i) || (i != d && index.size(i) > x.size(i))) {
                throw new IllegalArgumentException("scatter_add: index " + index.shape() + " does not fit input "
                        + x.shape() + " and src " + src.shape() + " at dim " + i);
            }
        }
        if (src.dtype() != x.dtype()) {
            throw new IllegalArgumentException(
                    "scatter_add: src dtype " + src.dtype() + " differs from input dtype " + x.dtype());
        }
        Tensor out = x.copy();
        x.backend().scatterAdd(out, d, index, src);
        return out;
    }

    /** torch.index_select: x's slices at the positions in {@code index} (1-D) along {@code dim}. */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int d = Shape.normalizeDim(dim, x.rank());
        requireIndex("index_select", index);
        if (index.rank() != 1)
            throw new IllegalArgumentException("index_select: index must be 1-D, got " + index.shape());
        int[] shape = x.sizes();
        shape[d] = index.size(0);
        Tensor out = Tensor.emptyLike(x, x.dtype(), shape);
        x.backend().indexSelect(x, d, index, out);
        return out;
    }

    /** Joins tensors along an existing dimension; all other sizes and the dtype must match. */
    public static Tensor concat(int dim, List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat: no tensors given");
        Tensor first = parts.getFirst();
        int d = Shape.normalizeDim(dim, first.rank());
        int total = 0;
        for (Tensor t : parts) {
            boolean same = t.rank() == first.rank() && t.dtype() == first.dtype();
            for (int i = 0; same && i < t.rank(); i++) same = i == d || t.size(i) == first.size(i);
            if (!same) {
                throw new IllegalArgumentException("concat along dim " + d + ": " + t.dtype() + " " + t.shape()
                        + " does not match " + first.dtype() + " " + first.shape());
            }
            total += t.size(d);
        }
        int[] shape = first.sizes();
        shape[d] = total;
        Tensor out = Tensor.emptyLike(first, first.dtype(), shape);
        int at = 0;
        for (Tensor t : parts) {
            out.narrow(d, at, t.size(d)).copyFrom(t);
            at += t.size(d);
        }
        return out;
    }

    /** Joins equal-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("stack: no tensors given");
        int d = Shape.normalizeDim(dim, parts.getFirst().rank() + 1);
        for (Tensor t : parts) {
            if (!t.shape().equals(parts.getFirst().shape())) {
                throw new IllegalArgumentException("stack: shape " + t.shape() + " differs from "
                        + parts.getFirst().shape());
            }
        }
        return concat(d, parts.stream().map(t -> t.unsqueeze(d)).toList());
    }

    /**
     * Constant padding, torch.nn.functional.pad order: {@code pads} = (last-dim before, last-dim after,
     * second-to-last before, after, ...). Negative pads are not supported.
     */
    public static Tensor pad(Tensor x, int[] pads, double value) {
        if (pads.length % 2 != 0 || pads.length / 2 > x.rank()) {
            throw new IllegalArgumentException("pad: " + pads.length + " pad values for a tensor of shape " + x.shape()
                    + " (need an even count, at most 2 per dim)");
        }
        int[] shape = x.sizes();
        Tensor inner = null;
        for (int i = 0; i < pads.length / 2; i++) {
            int dim = x.rank() - 1 - i;
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0)
                throw new IllegalArgumentException("pad: negative padding " + java.util.Arrays.toString(pads));
            shape[dim] += pads[2 * i] + pads[2 * i + 1];
        }
        Tensor out = Tensor.emptyLike(x, x.dtype(), shape).fill(value);
        inner = out;
        for (int i = 0; i < pads.length / 2; i++) {
            int dim = x.rank() - 1 - i;
            inner = inner.narrow(dim, pads[2 * i], x.size(dim));
        }
        inner.copyFrom(x);
        return out;
    }

    /**
     * torch.nn.functional.unfold: sliding kh x kw windows of x (B, C, H, W) with the given stride and
     * zero padding -> (B, C*kh*kw, L), L = OH*OW, rows ordered (c, i, j) like a flattened conv weight.
     * Reads the windows through an overlapping strided view, then one copy.
     */
    public static Tensor im2col(Tensor x, int kh, int kw, int stride, int padding) {
        if (x.rank() != 4) throw new IllegalArgumentException("im2col: input must be (B, C, H, W), got " + x.shape());
        if (kh < 1 || kw < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(
                    "im2col: kernel " + kh + "x" + kw + ", stride " + stride + ", padding " + padding + " invalid");
        }
        Tensor p = padding == 0 ? x.contiguous() : pad(x, new int[] {padding, padding, padding, padding}, 0);
        int b = p.size(0), c = p.size(1), h = p.size(2), w = p.size(3);
        if (h < kh || w < kw) {
            throw new IllegalArgumentException(
                    "im2col: kernel " + kh + "x" + kw + " larger than padded input " + p.shape());
        }
        int oh = (h - kh) / stride + 1, ow = (w - kw) / stride + 1;
        int[] st = p.strides();
        // windows: (B, C, kh, kw, OH, OW)
        Tensor windows = p.asStrided(
                new int[] {b, c, kh, kw, oh, ow},
                new int[] {st[0], st[1], st[2], st[3], st[2] * stride, st[3] * stride},
                0);
        return windows.reshape(b, c * kh * kw, oh * ow);
    }

    /**
     * Non-overlapping p x p patches of x (B, C, H, W) as rows: (B, N, C*p*p), N = (H/p)(W/p) in
     * row-major grid order, each row ordered (c, i, j) to match a flattened Conv2d weight (D, C, p, p).
     */
    public static Tensor patchify(Tensor x, int patch) {
        if (x.rank() != 4 || x.size(2) % patch != 0 || x.size(3) % patch != 0) {
            throw new IllegalArgumentException(
                    "patchify: input " + x.shape() + " must be (B, C, H, W) with H and W divisible by " + patch);
        }
        int b = x.size(0), c = x.size(1), gh = x.size(2) / patch, gw = x.size(3) / patch;
        // (B, C, gh, p, gw, p) -> (B, gh, gw, C, p, p)
        return x.reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(b, gh * gw, c * patch * patch);
    }

    private static void requireIndex(String op, Tensor index) {
        if (index.dtype() != DType.I32 && index.dtype() != DType.I64) {
            throw new IllegalArgumentException(
                    op + ": index must be I32 or I64, got " + index.dtype() + " of shape " + index.shape());
        }
    }
}
