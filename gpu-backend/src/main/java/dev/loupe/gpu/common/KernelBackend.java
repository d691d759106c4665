package dev.loupe.gpu.common;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.loupe.tensor.Backend;
import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.DeviceMemoryUsage;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Optional;

/**
 * The Backend SPI on one OpenCL or CUDA device: the op families run the shared kernel files on strided
 * views (no host round trip); products go through the device's GEMM (CLBlast, cuBLAS). Kernels are
 * queued in order on one queue (stream) and run asynchronously; reading a tensor back ({@link #download})
 * waits for them.
 */
public final class KernelBackend implements Backend {
    private final KernelDevice device;
    private final DeviceElementwise elementwise;
    private final DeviceRows rows;
    private final DeviceIndexing indexing;
    private final DeviceMatmul matmul;
    private final DeviceAttention attention;

    public KernelBackend(KernelDevice device) {
        this.device = device;
        this.elementwise = new DeviceElementwise(device);
        this.rows = new DeviceRows(device);
        this.indexing = new DeviceIndexing(device);
        this.matmul = new DeviceMatmul(device, elementwise, device.blas() != null);
        this.attention = new DeviceAttention(device);
    }

    /** The device this backend runs on. */
    public KernelDevice kernelDevice() {
        return device;
    }

    @Override
    public Device device() {
        return device.device();
    }

    @Override
    public Optional<DeviceMemoryUsage> memoryUsage() {
        return Optional.of(device.memory().usage());
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        return device.allocate(dtype, length);
    }

    @Override
    public void upload(CpuStorage src, Storage dst) {
        requireWhole(src, dst);
        if (src.length() == 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate((long) src.length() * src.dtype().byteSize(), 8);
            switch (src.dtype()) {
                case F32 -> MemorySegment.copy(src.f32(), 0, host, JAVA_FLOAT, 0, src.length());
                case F64 -> MemorySegment.copy(src.f64(), 0, host, JAVA_DOUBLE, 0, src.length());
                case I32 -> MemorySegment.copy(src.i32(), 0, host, JAVA_INT, 0, src.length());
                case I64 -> MemorySegment.copy(src.i64(), 0, host, JAVA_LONG, 0, src.length());
                case BOOL -> MemorySegment.copy(src.bool(), 0, host, JAVA_BYTE, 0, src.length());
            }
            device.write((DeviceStorage) dst, host);
        }
        Reference.reachabilityFence(dst);
    }

    @Override
    public void download(Storage src, CpuStorage dst) {
        requireWhole(dst, src);
        if (dst.length() == 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate((long) dst.length() * dst.dtype().byteSize(), 8);
            device.read((DeviceStorage) src, host);
            Reference.reachabilityFence(src);
            switch (dst.dtype()) {
                case F32 -> MemorySegment.copy(host, JAVA_FLOAT, 0, dst.f32(), 0, dst.length());
                case F64 -> MemorySegment.copy(host, JAVA_DOUBLE, 0, dst.f64(), 0, dst.length());
                case I32 -> MemorySegment.copy(host, JAVA_INT, 0, dst.i32(), 0, dst.length());
                case I64 -> MemorySegment.copy(host, JAVA_LONG, 0, dst.i64(), 0, dst.length());
                case BOOL -> MemorySegment.copy(host, JAVA_BYTE, 0, dst.bool(), 0, dst.length());
            }
        }
    }

    private void requireWhole(CpuStorage host, Storage dev) {
        if (!(dev instanceof DeviceStorage s) || s.owner() != device) {
            throw new IllegalArgumentException(dev + " is not a buffer of " + device.device());
        }
        if (host.dtype() != dev.dtype() || host.length() != dev.length()) {
            throw new IllegalArgumentException(device.device() + ": host storage of " + host.length() + " "
                    + host.dtype() + " does not match device storage of " + dev.length() + " " + dev.dtype());
        }
    }

    /** A host (or other device) source is moved here first, so copyFrom accepts any tensor. */
    @Override
    public void copy(Tensor src, Tensor dst) {
        elementwise.copy(src.device().equals(device()) ? src : src.to(device()), dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        elementwise.fill(dst, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        elementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        elementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        rows.reduce(op, x, dims, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        rows.argReduce(max, x, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        matmul.matmul(a, b, out);
    }

    @Override
    public void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        matmul.matmulBias(a, b, bias, out);
    }

    @Override
    public void softmax(Tensor x, int dim, boolean log, Tensor out) {
        rows.softmax(x, dim, log, out);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        rows.layerNorm(x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        indexing.scatterAdd(out, dim, index, src);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.indexSelect(x, dim, index, out);
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        elementwise.unaryBackward(op, x, gradOut, out);
    }

    /** The ops whose derivative elementwise.cl defines: the same set as the host backend. */
    @Override
    public boolean supportsUnaryBackward(UnaryOp op) {
        return switch (op) {
            case GELU, GELU_TANH, SILU, QUICK_GELU, SIGMOID, TANH, RELU, EXP -> true;
            default -> false;
        };
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out) {
        rows.softmaxBackward(y, gradOut, dim, log, out);
    }

    @Override
    public void layerNormBackward(
            Tensor x,
            Tensor weight,
            Tensor mean,
            Tensor rstd,
            Tensor gradOut,
            Tensor dx,
            Tensor dweight,
            Tensor dbias) {
        rows.layerNormBackward(x, weight, mean, rstd, gradOut, dx, dweight, dbias);
    }

    @Override
    public void adamwStep(
            Tensor param,
            Tensor grad,
            Tensor expAvg,
            Tensor expAvgSq,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            double biasCorrection1,
            double biasCorrection2) {
        elementwise.adamw(
                param, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
    }

    @Override
    public void attention(
            Tensor q,
            Tensor k,
            Tensor v,
            double scale,
            boolean causal,
            Tensor keyPaddingMask,
            Tensor out,
            Tensor logsumexp) {
        attention.forward(q, k, v, scale, causal, keyPaddingMask, out, logsumexp);
    }

    @Override
    public void attentionBackward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor logsumexp,
            double scale,
            boolean causal,
            Tensor keyPaddingMask,
            Tensor dq,
            Tensor dk,
            Tensor dv) {
        attention.backward(q, k, v, out, gradOut, logsumexp, scale, causal, keyPaddingMask, dq, dk, dv);
    }
}
