package dev.loupe.tensor;

/**
 * Times every call of a wrapped backend into {@link KernelProfiler} while it is active, with the call's
 * flops (products, attention) or the bytes of its operands (everything else).
 */
final class ProfilingBackend implements Backend {
    private final Backend inner;

    ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    private interface Call {
        void run();
    }

    private static void timed(String kernel, Call call) {
        timed(kernel, () -> 0, () -> 0, call);
    }

    /** Times {@code call}; flops and bytes are only computed when the profiler is on (suppliers). */
    private static void timed(String kernel, Count flops, Count bytes, Call call) {
        if (!KernelProfiler.active()) {
            call.run();
            return;
        }
        long t = System.nanoTime();
        call.run();
        KernelProfiler.record(kernel, System.nanoTime() - t, flops.get(), bytes.get());
    }

    private interface Count {
        long get();
    }

    /** Bytes of the given tensors, each counted once (read or written). */
    private static long bytes(Tensor... ts) {
        long b = 0;
        for (Tensor x : ts) if (x != null) b += (long) x.numel() * x.dtype().byteSize();
        return b;
    }

    /**
     * The name a product is counted under: {@code kernel}, or with {@link KernelProfiler#productsByShape()}
     * also its shape, "kernel M x N x K AB" (A and B's layouts), a batch count first when B is batched.
     */
    private static String product(String kernel, Tensor a, Tensor b, Tensor out) {
        if (!KernelProfiler.productsByShape() || !KernelProfiler.active()) return kernel;
        int n = out.size(-1), k = a.size(-1);
        boolean batched = b.rank() > 2;
        int m = batched ? out.size(-2) : out.numel() / Math.max(1, n);
        String batch = batched ? out.numel() / Math.max(1, m * n) + " x " : "";
        return kernel + " " + batch + m + "x" + n + "x" + k + " " + layout(a) + layout(b);
    }

    /** N: rows contiguous; T: columns contiguous (a transposed view); S: neither. */
    private static String layout(Tensor t) {
        if (t.stride(-1) == 1) return "N";
        return t.rank() >= 2 && t.stride(-2) == 1 ? "T" : "S";
    }

    /** 2 M N K per product, over the batch: out (..., M, N), a (..., M, K). */
    private static long matmulFlops(Tensor a, Tensor out) {
        return 2L * out.numel() * a.size(-1);
    }

    /** Scores and the weighted sum: 2 Tq Tk (D + Dv) per head; backward recomputes the scores and forms four products. */
    private static long attentionFlops(Tensor q, Tensor k, Tensor v, boolean backward) {
        long pairs = (long) q.size(0) * q.size(1) * q.size(2) * k.size(2);
        int d = q.size(3), dv = v.size(3);
        return 2 * pairs * (backward ? 3L * d + 2L * dv : d + dv);
    }

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public java.util.Optional<DeviceMemoryUsage> memoryUsage() {
        return inner.memoryUsage();
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        if (!KernelProfiler.active()) return inner.allocate(dtype, length);
        long t = System.nanoTime();
        Storage s = inner.allocate(dtype, length);
        KernelProfiler.record("allocate", System.nanoTime() - t, 0, (long) length * dtype.byteSize());
        return s;
    }

    @Override
    public void upload(CpuStorage src, Storage dst) {
        timed("upload", () -> 0, () -> (long) src.length() * src.dtype().byteSize(), () -> inner.upload(src, dst));
    }

    @Override
    public void download(Storage src, CpuStorage dst) {
        timed("download", () -> 0, () -> (long) src.length() * src.dtype().byteSize(), () -> inner.download(src, dst));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        timed("copy", () -> 0, () -> bytes(src, dst), () -> inner.copy(src, dst));
    }

    @Override
    public void fill(Tensor dst, double value) {
        timed("fill", () -> 0, () -> bytes(dst), () -> inner.fill(dst, value));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        timed("unary:" + op, () -> 0, () -> bytes(x, out), () -> inner.unary(op, x, out));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        timed("binary:" + op, () -> 0, () -> 3 * bytes(out), () -> inner.binary(op, a, b, out));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        timed("where", () -> inner.where(cond, a, b, out));
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        timed("reduce:" + op, () -> 0, () -> bytes(x, out), () -> inner.reduce(op, x, dims, out));
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        timed("argreduce", () -> inner.argReduce(max, x, dim, out));
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        timed(product("matmul", a, b, out), () -> matmulFlops(a, out), () -> 0, () -> inner.matmul(a, b, out));
    }

    @Override
    public void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        timed(
                product("matmul", a, b, out),
                () -> matmulFlops(a, out),
                () -> 0,
                () -> inner.matmulBias(a, b, bias, out));
    }

    @Override
    public void matmulBiasAdd(Tensor a, Tensor b, Tensor bias, Tensor residual, Tensor out) {
        timed(
                product("matmul+residual", a, b, out),
                () -> matmulFlops(a, out),
                () -> 0,
                () -> inner.matmulBiasAdd(a, b, bias, residual, out));
    }

    @Override
    public void matmulBiasUnary(UnaryOp op, Tensor a, Tensor b, Tensor bias, Tensor pre, Tensor out) {
        timed(
                product("matmul+" + op, a, b, out),
                () -> matmulFlops(a, out),
                () -> 0,
                () -> inner.matmulBiasUnary(op, a, b, bias, pre, out));
    }

    @Override
    public void matmulUnaryBackward(UnaryOp op, Tensor a, Tensor b, Tensor x, Tensor out) {
        timed(
                product("matmul+" + op + "_backward", a, b, out),
                () -> matmulFlops(a, out),
                () -> 0,
                () -> inner.matmulUnaryBackward(op, a, b, x, out));
    }

    @Override
    public void softmax(Tensor x, int dim, boolean log, Tensor out) {
        timed(log ? "log_softmax" : "softmax", () -> 0, () -> bytes(x, out), () -> inner.softmax(x, dim, log, out));
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        timed("layer_norm", () -> 0, () -> bytes(x, out), () -> inner.layerNorm(x, weight, bias, eps, out, mean, rstd));
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        timed("gather", () -> inner.gather(x, dim, index, out));
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        timed("scatter_add", () -> inner.scatterAdd(out, dim, index, src));
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        timed("index_select", () -> inner.indexSelect(x, dim, index, out));
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        timed(
                "unary_backward:" + op,
                () -> 0,
                () -> bytes(x, gradOut, out),
                () -> inner.unaryBackward(op, x, gradOut, out));
    }

    @Override
    public boolean supportsUnaryBackward(UnaryOp op) {
        return inner.supportsUnaryBackward(op);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out) {
        timed(
                log ? "log_softmax_backward" : "softmax_backward",
                () -> 0,
                () -> bytes(y, gradOut, out),
                () -> inner.softmaxBackward(y, gradOut, dim, log, out));
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
        timed(
                "layer_norm_backward",
                () -> 0,
                () -> bytes(x, gradOut, dx),
                () -> inner.layerNormBackward(x, weight, mean, rstd, gradOut, dx, dweight, dbias));
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
        timed(
                "adamw_step",
                () -> 0,
                () -> 7 * bytes(param),
                () -> inner.adamwStep(
                        param,
                        grad,
                        expAvg,
                        expAvgSq,
                        lr,
                        beta1,
                        beta2,
                        eps,
                        weightDecay,
                        biasCorrection1,
                        biasCorrection2));
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
        timed(
                "attention",
                () -> attentionFlops(q, k, v, false),
                () -> 0,
                () -> inner.attention(q, k, v, scale, causal, keyPaddingMask, out, logsumexp));
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
        timed(
                "attention_backward",
                () -> attentionFlops(q, k, v, true),
                () -> 0,
                () -> inner.attentionBackward(
                        q, k, v, out, gradOut, logsumexp, scale, causal, keyPaddingMask, dq, dk, dv));
    }
}
