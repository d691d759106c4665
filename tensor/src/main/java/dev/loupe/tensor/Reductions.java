package dev.loupe.tensor;

import java.util.Arrays;

/** Front end of the reductions: dims normalised and sorted, keepdim handled by a final squeeze view. */
public final class Reductions {
    private Reductions() {}

    /** Reduces over {@code dims} (all dims when empty). */
    public static Tensor reduce(ReduceOp op, Tensor x, boolean keepdim, int... dims) {
        if (!x.dtype().isFloating() && op == ReduceOp.MEAN) {
            throw new IllegalArgumentException("mean: needs a floating tensor, got " + x.dtype());
        }
        int[] d = normalize(x, dims);
        if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && x.numel() == 0) {
            throw new IllegalArgumentException(
                    op.name().toLowerCase() + ": cannot reduce an empty tensor of shape " + x.shape());
        }
        int[] kept = x.sizes();
        for (int i : d) kept[i] = 1;
        Tensor out = Tensor.emptyLike(x, x.dtype(), kept);
        x.backend().reduce(op, x, d, out);
        return keepdim ? out : dropDims(out, d);
    }

    /** Variance with {@code correction} (1 = unbiased, as torch.var's default). */
    public static Tensor var(Tensor x, int correction, boolean keepdim, int... dims) {
        int[] d = normalize(x, dims);
        long n = 1;
        for (int i : d) n *= x.size(i);
        Tensor mean = reduce(ReduceOp.MEAN, x, true, d);
        Tensor diff = Elementwise.binary(BinaryOp.SUB, x, mean);
        Tensor sq = Elementwise.unary(UnaryOp.SQUARE, diff);
        Tensor sum = reduce(ReduceOp.SUM, sq, keepdim, d);
        return Elementwise.binary(BinaryOp.DIV, sum, (double) Math.max(0, n - correction));
    }

    /** Index (I64) of the first maximum or minimum along {@code dim}. */
    public static Tensor argReduce(boolean max, Tensor x, int dim, boolean keepdim) {
        int d = Shape.normalizeDim(dim, x.rank());
        if (x.size(d) == 0) {
            throw new IllegalArgumentException(
                    (max ? "argmax" : "argmin") + ": dim " + d + " is empty in shape " + x.shape());
        }
        int[] kept = x.sizes();
        kept[d] = 1;
        Tensor out = Tensor.emptyLike(x, DType.I64, kept);
        x.backend().argReduce(max, x, d, out);
        return keepdim ? out : out.squeeze(d);
    }

    private static int[] normalize(Tensor x, int[] dims) {
        if (dims.length == 0) {
            int[] all = new int[x.rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = Shape.normalizeDim(dims[i], x.rank());
        Arrays.sort(d);
        for (int i = 1; i < d.length; i++) {
            if (d[i] == d[i - 1])
                throw new IllegalArgumentException("reduction: dim " + d[i] + " repeated in " + Arrays.toString(dims));
        }
        return d;
    }

    private static Tensor dropDims(Tensor t, int[] sortedDims) {
        Tensor r = t;
        for (int i = sortedDims.length - 1; i >= 0; i--) r = r.squeeze(sortedDims[i]);
        return r;
    }
}
