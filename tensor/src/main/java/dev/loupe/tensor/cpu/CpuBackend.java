package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Backend;
import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * The built-in host backend: Vector API kernels, each with a scalar twin chosen by
 * {@code -Dloupe.kernels=scalar}. Work is split over independent outputs on the shared pool.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        return CpuStorage.allocate(dtype, length);
    }

    @Override
    public void upload(CpuStorage src, Storage dst) {
        CpuCopy.whole(src, (CpuStorage) dst);
    }

    @Override
    public void download(Storage src, CpuStorage dst) {
        CpuCopy.whole((CpuStorage) src, dst);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuCopy.copy(src, dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        CpuCopy.fill(dst, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        CpuElementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        CpuElementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        CpuElementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        CpuReductions.reduce(op, x, dims, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        CpuReductions.argReduce(max, x, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        CpuMatmul.matmul(a, b, out);
    }

    @Override
    public void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        if (CpuMatmul.fusesBias(a, b, bias, out)) CpuMatmul.matmulBias(a, b, bias, out);
        else Backend.super.matmulBias(a, b, bias, out);
    }

    @Override
    public void matmulBiasAdd(Tensor a, Tensor b, Tensor bias, Tensor residual, Tensor out) {
        if (bias != null && CpuMatmul.fusesBias(a, b, bias, out) && residual.dtype() == DType.F32)
            CpuMatmul.matmulBiasAdd(a, b, bias, residual, out);
        else Backend.super.matmulBiasAdd(a, b, bias, residual, out);
    }

    @Override
    public void matmulBiasUnary(UnaryOp op, Tensor a, Tensor b, Tensor bias, Tensor pre, Tensor out) {
        if (CpuMatmul.fusesBias(a, b, bias, out) && (pre == null || pre.dtype() == DType.F32))
            CpuMatmul.matmulBiasUnary(op, a, b, bias, pre, out);
        else Backend.super.matmulBiasUnary(op, a, b, bias, pre, out);
    }

    @Override
    public void matmulUnaryBackward(UnaryOp op, Tensor a, Tensor b, Tensor x, Tensor out) {
        boolean f32 = a.dtype() == DType.F32 && b.dtype() == DType.F32 && x.dtype() == DType.F32;
        if (f32 && out.dtype() == DType.F32 && CpuUnaryBackward.supports(op))
            CpuMatmul.matmulUnaryBackward(op, a, b, x, out);
        else Backend.super.matmulUnaryBackward(op, a, b, x, out);
    }

    @Override
    public void softmax(Tensor x, int dim, boolean log, Tensor out) {
        CpuSoftmax.softmax(x, dim, log, out);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        CpuLayerNorm.layerNorm(x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        CpuIndexing.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        CpuIndexing.scatterAdd(out, dim, index, src);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        CpuIndexing.indexSelect(x, dim, index, out);
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        CpuUnaryBackward.unaryBackward(op, x, gradOut, out);
    }

    @Override
    public boolean supportsUnaryBackward(UnaryOp op) {
        return CpuUnaryBackward.supports(op);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out) {
        CpuSoftmaxBackward.softmaxBackward(y, gradOut, dim, log, out);
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
        CpuLayerNormBackward.layerNormBackward(x, weight, mean, rstd, gradOut, dx, dweight, dbias);
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
        CpuAdamW.step(
                param,
                grad,
                expAvg,
                expAvgSq,
                new CpuAdamW.Hyper(lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2));
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
        CpuAttention.attention(q, k, v, scale, causal, keyPaddingMask, out, logsumexp);
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
        CpuAttentionBackward.attentionBackward(
                q, k, v, out, gradOut, logsumexp, scale, causal, keyPaddingMask, dq, dk, dv);
    }
}
