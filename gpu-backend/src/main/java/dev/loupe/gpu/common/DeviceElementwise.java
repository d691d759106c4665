package dev.loupe.gpu.common;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.lang.ref.Reference;

/** Copies, fills, unary / binary / where, fused unary backward and AdamW on strided views (elementwise.cl, copy.cl). */
public final class DeviceElementwise {
    private final KernelDevice device;

    public DeviceElementwise(KernelDevice device) {
        this.device = device;
    }

    private KernelCall call(DType t, String kernel) {
        return new KernelCall(device, KernelSource.of("elementwise.cl", t), kernel);
    }

    /** dst = src converted to dst's dtype; one contiguous run of one dtype is a plain buffer copy. */
    void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalArgumentException(
                    "copy: source " + src.shape() + " and destination " + dst.shape() + " differ");
        }
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous() && src.numel() > 0) {
            long w = src.dtype().byteSize();
            device.copy(
                    DeviceStorage.of(src, device),
                    src.offset() * w,
                    DeviceStorage.of(dst, device),
                    dst.offset() * w,
                    src.numel() * w);
            Reference.reachabilityFence(src); // bare handles above: keep the buffers until enqueued
            Reference.reachabilityFence(dst);
            return;
        }
        new KernelCall(device, new KernelSource("copy.cl", dst.dtype(), src.dtype(), null), "copy_convert")
                .view(src)
                .view(dst)
                .run(dst.numel());
    }

    void fill(Tensor dst, double value) {
        call(dst.dtype(), "fill").view(dst).scalar(value).run(dst.numel());
    }

    void unary(UnaryOp op, Tensor x, Tensor out) {
        call(x.dtype(), "unary").i32(op.ordinal()).view(x).view(out).run(out.numel());
    }

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        call(a.dtype(), op.isComparison() ? "compare" : "binary")
                .i32(op.ordinal())
                .view(a)
                .view(b)
                .view(out)
                .run(out.numel());
    }

    void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        call(out.dtype(), "select_where").view(cond).view(a).view(b).view(out).run(out.numel());
    }

    void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        call(x.dtype(), "unary_backward")
                .i32(op.ordinal())
                .view(x)
                .view(gradOut)
                .view(out)
                .run(out.numel());
    }

    /** The coefficients rounded to T once, as the host kernel does. */
    void adamw(
            Tensor p,
            Tensor g,
            Tensor m,
            Tensor v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            double bc1,
            double bc2) {
        call(p.dtype(), "adamw")
                .view(p)
                .view(g)
                .view(m)
                .view(v)
                .scalar(1 - lr * weightDecay)
                .scalar(beta1)
                .scalar(1 - beta1)
                .scalar(beta2)
                .scalar(1 - beta2)
                .scalar(eps)
                .scalar(Math.sqrt(bc2))
                .scalar(lr / bc1)
                .run(p.numel());
    }
}
