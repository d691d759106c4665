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
        long t = System.nanoTime();
        Storage s = inner.allocate(dtype, length);
        if (KernelProfiler.active()) KernelProfiler.record("allocate", System.nanoTime() - t);
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

    @Override public void softmax(Tensor x, int dim, boolean log, Tensor out) { timed(log ? "log_softmax" : "softmax", () -> inner.softmax(x, dim, log, out)); }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        timed("layer_norm", () -> inner.layerNorm(x, weight, bias, eps, out, mean, rstd));
    }

    @Override public void gather(Tensor x, int dim, Tensor index, Tensor out) { timed("gather", () -> inner.gather(x, dim, index, out)); }

    @Override public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) { timed("scatter_add", () -> inner.scatterAdd(out, dim, index, src)); }

    @Override public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) { timed("index_select", () -> inner.indexSelect(x, dim, index, out)); }
}
