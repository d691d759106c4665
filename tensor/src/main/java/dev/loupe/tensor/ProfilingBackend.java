package dev.loupe.tensor;

/** Times every call of a wrapped backend into {@link KernelProfiler} while it is active. */
final class ProfilingBackend implements Backend {
    private final Backend inner;

    ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    private interface Call {
        void run();
    }

    private static void timed(String kernel, Call call) {
        if (!KernelProfiler.active()) {
            call.run();
            return;
        }
        long t = System.nanoTime();
        call.run();
        KernelProfiler.record(kernel, System.nanoTime() - t);
    }

    @Override public Device device() { return inner.device(); }

    @Override public Storage allocate(DType dtype, int length) {
        if (!KernelProfiler.active()) return inner.allocate(dtype, length);
        long t = System.nanoTime();
        Storage s = inner.allocate(dtype, length);
        KernelProfiler.record("allocate", System.nanoTime() - t);
        return s;
    }

    @Override public void copy(Tensor src, Tensor dst) { timed("copy", () -> inner.copy(src, dst)); }

    @Override public void fill(Tensor dst, double value) { timed("fill", () -> inner.fill(dst, value)); }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) { timed("unary:" + op, () -> inner.unary(op, x, out)); }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { timed("binary:" + op, () -> inner.binary(op, a, b, out)); }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { timed("where", () -> inner.where(cond, a, b, out)); }

    @Override public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) { timed("reduce:" + op, () -> inner.reduce(op, x, dims, out)); }

    @Override public void argReduce(boolean max, Tensor x, int dim, Tensor out) { timed("argreduce", () -> inner.argReduce(max, x, dim, out)); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { timed("matmul", () -> inner.matmul(a, b, out)); }

    @Override public void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) { timed("matmul", () -> inner.matmulBias(a, b, bias, out)); }

    @Override public void softmax(Tensor x, int dim, boolean log, Tensor out) { timed(log ? "log_softmax" : "softmax", () -> inner.softmax(x, dim, log, out)); }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        timed("layer_norm", () -> inner.layerNorm(x, weight, bias, eps, out, mean, rstd));
    }

    @Override public void gather(Tensor x, int dim, Tensor index, Tensor out) { timed("gather", () -> inner.gather(x, dim, index, out)); }

    @Override public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) { timed("scatter_add", () -> inner.scatterAdd(out, dim, index, src)); }

    @Override public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) { timed("index_select", () -> inner.indexSelect(x, dim, index, out)); }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        timed("unary_backward:" + op, () -> inner.unaryBackward(op, x, gradOut, out));
    }

    @Override public boolean supportsUnaryBackward(UnaryOp op) { return inner.supportsUnaryBackward(op); }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out) {
        timed(log ? "log_softmax_backward" : "softmax_backward", () -> inner.softmaxBackward(y, gradOut, dim, log, out));
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut,
                                  Tensor dx, Tensor dweight, Tensor dbias) {
        timed("layer_norm_backward", () -> inner.layerNormBackward(x, weight, mean, rstd, gradOut, dx, dweight, dbias));
    }

    @Override
    public void adamwStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, double lr, double beta1, double beta2,
                          double eps, double weightDecay, double biasCorrection1, double biasCorrection2) {
        timed("adamw_step", () -> inner.adamwStep(param, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay,
                biasCorrection1, biasCorrection2));
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, double scale, boolean causal, Tensor keyPaddingMask,
                          Tensor out, Tensor logsumexp) {
        timed("attention", () -> inner.attention(q, k, v, scale, causal, keyPaddingMask, out, logsumexp));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor gradOut, Tensor logsumexp, double scale,
                                  boolean causal, Tensor keyPaddingMask, Tensor dq, Tensor dk, Tensor dv) {
        timed("attention_backward", () -> inner.attentionBackward(q, k, v, out, gradOut, logsumexp, scale, causal,
                keyPaddingMask, dq, dk, dv));
    }
}
