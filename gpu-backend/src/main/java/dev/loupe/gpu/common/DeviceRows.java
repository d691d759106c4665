package dev.loupe.gpu.common;

import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Tensor;

/**
 * Reductions, arg-reductions, softmax and layer norm with their backward passes (rows.cl): one
 * work-item per output row, each summing in index order.
 */
final class DeviceRows {
    private final KernelDevice device;

    DeviceRows(KernelDevice device) {
        this.device = device;
    }

    private KernelCall call(Tensor like, String kernel) {
        return new KernelCall(device, KernelSource.of("rows.cl", like.dtype()), kernel);
    }

    /** Layout of the row starts of t along {@code dim}: t's view with that dim cut to size 1. */
    private static KernelLayout rowStarts(Tensor t, int dim) {
        int[] sizes = t.sizes();
        sizes[dim] = 1;
        return KernelLayout.of(sizes, t.strides(), t.offset());
    }

    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        int[] redSizes = new int[dims.length], redStrides = new int[dims.length];
        int count = 1;
        for (int i = 0; i < dims.length; i++) {
            redSizes[i] = x.size(dims[i]);
            redStrides[i] = x.stride(dims[i]);
            count *= redSizes[i];
        }
        call(x, "reduce")
                .i32(op.ordinal())
                .buffer(x)
                .layout(KernelLayout.of(out.sizes(), x.strides(), x.offset()))
                .layout(KernelLayout.of(redSizes, redStrides, 0))
                .i32(count)
                .view(out)
                .run(out.numel());
    }

    void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        call(x, "arg_reduce")
                .flag(max)
                .buffer(x)
                .layout(rowStarts(x, dim))
                .i32(x.stride(dim))
                .i32(x.size(dim))
                .view(out)
                .run(out.numel());
    }

    void softmax(Tensor x, int dim, boolean log, Tensor out) {
        int len = x.size(dim);
        if (len == 0) return;
        call(x, "softmax")
                .flag(log)
                .buffer(x)
                .layout(rowStarts(x, dim))
                .i32(x.stride(dim))
                .buffer(out)
                .layout(rowStarts(out, dim))
                .i32(out.stride(dim))
                .i32(len)
                .run(x.numel() / len);
    }

    void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out) {
        int len = y.size(dim);
        if (len == 0) return;
        call(y, "softmax_backward")
                .flag(log)
                .buffer(y)
                .layout(rowStarts(y, dim))
                .i32(y.stride(dim))
                .buffer(gradOut)
                .layout(rowStarts(gradOut, dim))
                .i32(gradOut.stride(dim))
                .buffer(out)
                .layout(rowStarts(out, dim))
                .i32(out.stride(dim))
                .i32(len)
                .run(y.numel() / len);
    }

    /** x, out: (R, D); weight, bias: (D) or null; mean, rstd: (R), both or neither. */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        int rows = x.size(0), d = x.size(1);
        if (d == 0) return;
        boolean stats = mean != null && rstd != null;
        call(x, "layer_norm")
                .buffer(x)
                .layout(rowStarts(x, 1))
                .i32(x.stride(1))
                .buffer(weight)
                .layoutOrEmpty(weight)
                .flag(weight != null)
                .buffer(bias)
                .layoutOrEmpty(bias)
                .flag(bias != null)
                .scalar(eps)
                .buffer(out)
                .layout(rowStarts(out, 1))
                .i32(out.stride(1))
                .buffer(stats ? mean : null)
                .layoutOrEmpty(stats ? mean : null)
                .buffer(stats ? rstd : null)
                .layoutOrEmpty(stats ? rstd : null)
                .flag(stats)
                .i32(d)
                .run(rows);
    }

    /** x, gradOut, dx: (R, D); weight: (D) or null; mean, rstd: (R); dweight, dbias: (D) or null. */
    void layerNormBackward(
            Tensor x,
            Tensor weight,
            Tensor mean,
            Tensor rstd,
            Tensor gradOut,
            Tensor dx,
            Tensor dweight,
            Tensor dbias) {
        int rows = x.size(0), d = x.size(1);
        call(x, "layer_norm_backward_dx")
                .buffer(x)
                .layout(rowStarts(x, 1))
                .i32(x.stride(1))
                .buffer(weight)
                .layoutOrEmpty(weight)
                .flag(weight != null)
                .view(mean)
                .view(rstd)
                .buffer(gradOut)
                .layout(rowStarts(gradOut, 1))
                .i32(gradOut.stride(1))
                .buffer(dx)
                .layout(rowStarts(dx, 1))
                .i32(dx.stride(1))
                .i32(d)
                .run(d == 0 ? 0 : rows);
        if (dweight == null && dbias == null) return;
        call(x, "layer_norm_backward_params")
                .buffer(x)
                .layout(rowStarts(x, 1))
                .i32(x.stride(1))
                .view(mean)
                .view(rstd)
                .buffer(gradOut)
                .layout(rowStarts(gradOut, 1))
                .i32(gradOut.stride(1))
                .i32(rows)
                .buffer(dweight)
                .layoutOrEmpty(dweight)
                .flag(dweight != null)
                .buffer(dbias)
                .layoutOrEmpty(dbias)
                .flag(dbias != null)
                .run(d);
    }
}
