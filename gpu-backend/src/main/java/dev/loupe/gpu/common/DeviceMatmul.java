package dev.loupe.gpu.common;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * Batched products through the device's strided-batched GEMM (CLBlast, cuBLAS), or through a plain
 * kernel (gemm.cl) when there is none. Operands are first seen as (batch, rows, cols) views; a matrix whose column
 * stride is 1 goes as it is, one whose row stride is 1 goes as a transposed operand (A^T.B, A.B^T cost
 * no copy), anything else (a broadcast row, a gapped slice) is copied contiguous first.
 */
public final class DeviceMatmul {
    private final KernelDevice device;
    private final DeviceElementwise elementwise;
    private final boolean useBlas;

    /** useBlas: CLBlast when true (the device must have it), the plain kernel when false. */
    public DeviceMatmul(KernelDevice device, DeviceElementwise elementwise, boolean useBlas) {
        this.device = device;
        this.elementwise = elementwise;
        this.useBlas = useBlas;
    }

    /** out = a @ b; a: (batch..., M, K), b: (batch..., K, N), out: (batch..., M, N). */
    public void matmul(Tensor a, Tensor b, Tensor out) {
        product(a, b, null, out);
    }

    /** out = a @ b + bias: out starts as the broadcast bias and the GEMM adds to it (beta = 1). */
    public void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        product(a, b, bias, out);
    }

    private void product(Tensor a, Tensor b, Tensor bias, Tensor out) {
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        int batch = m == 0 || n == 0 ? 0 : out.numel() / (m * n);
        if (out.numel() == 0) return;
        if (bias != null) elementwise.copy(bias.expand(out.sizes()), out);
        else if (k == 0) elementwise.fill(out, 0);
        if (k == 0) return;
        Tensor a3 = a.reshape(batch, m, k), b3 = b.reshape(batch, k, n);
        Tensor c3 =
                out.isContiguous() ? out.view(batch, m, n) : out.contiguous().view(batch, m, n);
        if (useBlas) blas(a3, b3, c3, bias != null);
        else naive(a3, b3, c3, bias != null);
        if (c3.storage() != out.storage()) elementwise.copy(c3.view(out.sizes()), out);
    }

    private void blas(Tensor a3, Tensor b3, Tensor c3, boolean accumulate) {
        Gemm.Operand a = operand(a3), b = operand(b3);
        if (a == null) a = operand(a3 = a3.contiguous());
        if (b == null) b = operand(b3 = b3.contiguous());
        Gemm.Operand c = operand(c3);
        device.blas()
                .gemm(
                        c3.dtype() == DType.F64,
                        c3.size(1),
                        c3.size(2),
                        a3.size(2),
                        1.0,
                        a,
                        b,
                        accumulate ? 1.0 : 0.0,
                        c,
                        c3.size(0));
        Reference.reachabilityFence(a3); // the operands hold bare handles: keep the buffers until enqueued
        Reference.reachabilityFence(b3);
        Reference.reachabilityFence(c3);
    }

    /** t (batch, rows, cols) as a GEMM operand, or null when neither of its matrix strides is 1. */
    private Gemm.Operand operand(Tensor t) {
        int rows = t.size(1), cols = t.size(2), sr = t.stride(1), sc = t.stride(2);
        long batchStride = t.size(0) == 1 ? (long) rows * cols : t.stride(0);
        MemorySegment mem = DeviceStorage.of(t, device).mem();
        if ((sc == 1 || cols == 1) && (rows == 1 || sr >= cols)) {
            return new Gemm.Operand(mem, t.offset(), rows == 1 ? Math.max(cols, 1) : sr, batchStride, false);
        }
        if ((sr == 1 || rows == 1) && (cols == 1 || sc >= rows)) {
            return new Gemm.Operand(mem, t.offset(), cols == 1 ? Math.max(rows, 1) : sc, batchStride, true);
        }
        return null;
    }

    private void naive(Tensor a3, Tensor b3, Tensor c3, boolean accumulate) {
        Tensor target = accumulate ? Tensor.emptyLike(c3, c3.dtype(), c3.sizes()) : c3;
        new KernelCall(device, KernelSource.of("gemm.cl", c3.dtype()), "matmul_naive")
                .buffer(a3)
                .layout(KernelLayout.exact(a3))
                .buffer(b3)
                .layout(KernelLayout.exact(b3))
                .buffer(target)
                .layout(KernelLayout.exact(target))
                .i32(c3.size(1))
                .i32(c3.size(2))
                .i32(a3.size(2))
                .run(target.numel());
        if (accumulate) elementwise.binary(BinaryOp.ADD, c3, target, c3);
    }
}
