package dev.loupe.tensor;

/**
 * The device SPI. Front-end code (shape checks, broadcasting, output allocation) lives in
 * {@link Tensor} and the op classes; a backend only runs kernels on operands whose shapes are already
 * checked. Operands may be strided views (including stride 0 for broadcast dimensions); a backend
 * copies to contiguous itself where its kernels need it. Ops are tokens ({@link UnaryOp},
 * {@link BinaryOp}, {@link ReduceOp}) plus a few fused kernels.
 *
 * <p>A new backend is a class found through {@link BackendProvider} and {@link java.util.ServiceLoader};
 * the core never names it.
 */
public interface Backend {
    Device device();

    /** The device memory this backend holds (live tensors, its cache, the peak), or empty for host memory. */
    default java.util.Optional<DeviceMemoryUsage> memoryUsage() {
        return java.util.Optional.empty();
    }

    /** A storage of {@code length} elements, every one zero (as a fresh Java array is). */
    Storage allocate(DType dtype, int length);

    /** Copies the whole host storage src into dst, a storage of this backend with the same dtype and length. */
    void upload(CpuStorage src, Storage dst);

    /** Copies the whole of src, a storage of this backend, into the host storage dst of the same dtype and length. */
    void download(Storage src, CpuStorage dst);

    /** dst = src elementwise, converting dtype; src and dst have the same shape. */
    void copy(Tensor src, Tensor dst);

    /** Every element of dst = value (converted to dst's dtype). */
    void fill(Tensor dst, double value);

    /** out = op(x); same shape; out's dtype equals x's (floating). */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b); a and b are already expanded to out's shape and share one dtype. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond ? a : b; all expanded to out's shape; cond is BOOL. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /**
     * Reduces x over {@code dims} (sorted, distinct) into out, which has x's shape with those dims
     * set to 1 (keepdim form; the front end squeezes afterwards).
     */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /** Index (I64) of the first maximum (or minimum) along {@code dim}; out has keepdim form. */
    void argReduce(boolean max, Tensor x, int dim, Tensor out);

    /**
     * Batched matrix product out = a @ b. a: (batch..., M, K), b: (batch..., K, N), out:
     * (batch..., M, N), batch dims already expanded to out's. Transposed operands arrive as strided
     * views (a row stride of 1), so A^T.B and A.B^T cost no copy when the kernel supports them.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    /**
     * out = a @ b + bias, bias added to every row: a linear layer's product. a: (M, K), b: (K, N) (a
     * transposed weight arrives as a view), bias: (N), out: contiguous (M, N). The default is the
     * composite, a product then an add; a backend whose GEMM can start from the bias overrides it
     * (equal to within rounding: the CPU kernel starts each fma chain from the bias, as BLAS's
     * beta = 1 over a bias-filled C does).
     */
    default void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        matmul(a, b, out);
        binary(BinaryOp.ADD, out, bias.expand(out.sizes()), out);
    }

    /**
     * A linear layer's product added to a residual stream: out = (a @ b + bias) + residual, bias (N) or
     * null, residual: (M, N) like out (a transformer block's x + proj(...) and x + fc2(...)). The
     * default is the composite, {@link #matmulBias} (or {@link #matmul}) into out then an add; a backend
     * that adds the residual to each output block while it is in cache overrides it with the
     * composite's bits (one rounding per add, and addition commutes: the same bits as residual + out).
     */
    default void matmulBiasAdd(Tensor a, Tensor b, Tensor bias, Tensor residual, Tensor out) {
        if (bias == null) matmul(a, b, out);
        else matmulBias(a, b, bias, out);
        binary(BinaryOp.ADD, out, residual, out);
    }

    /**
     * A linear layer with its activation: out = op(a @ b + bias), and pre = a @ b + bias when pre is
     * not null (the pre-activation a backward pass reads; null in inference, where out is the only
     * tensor). Shapes as {@link #matmulBias}; pre and out: contiguous (M, N). The default is the
     * composite, {@link #matmulBias} then {@link #unary} (through a temporary when pre is null: a
     * unary kernel need not run in place); a backend that applies op to each output block while it
     * is in cache overrides it with the composite's bits.
     */
    default void matmulBiasUnary(UnaryOp op, Tensor a, Tensor b, Tensor bias, Tensor pre, Tensor out) {
        Tensor z = pre != null ? pre : Tensor.emptyLike(out, out.dtype(), out.sizes());
        matmulBias(a, b, bias, z);
        unary(op, z, out);
    }

    /**
     * The gradient through an activation that followed a product: out = (a @ b) * op'(x). a: (M, K),
     * b: (K, N) (transposes as views), x and out: contiguous (M, N); only for ops where
     * {@link #supportsUnaryBackward} holds. The default is the composite, {@link #matmul} into a
     * temporary then {@link #unaryBackward}; a backend that applies the derivative to each output
     * block in cache overrides it with the composite's bits.
     */
    default void matmulUnaryBackward(UnaryOp op, Tensor a, Tensor b, Tensor x, Tensor out) {
        Tensor product = Tensor.emptyLike(out, out.dtype(), out.sizes());
        matmul(a, b, product);
        unaryBackward(op, x, product, out);
    }

    /** Softmax (or log-softmax) along {@code dim}. */
    void softmax(Tensor x, int dim, boolean log, Tensor out);

    /**
     * Layer norm over the last dimension D: out = (x - mean) * rstd * weight + bias.
     * x, out: (R, D) viewed as rows; weight, bias: (D) or null; mean, rstd: (R) outputs saved for
     * the backward pass (may be null).
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd);

    /** out[i][j][k] = x[index[i][j][k]][j][k] along {@code dim} (torch.gather); index is I32/I64. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** out[index[i][j][k]][j][k] += src[i][j][k] along {@code dim} (torch.scatter_add_, in place). */
    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src);

    /** out = x selected at {@code index} (1-D, I32/I64) along {@code dim} (torch.index_select). */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /**
     * Fused unary backward: out = gradOut * op'(x) in one pass. x, gradOut, out: one shape and one
     * floating dtype, any strides. Only for ops where {@link #supportsUnaryBackward} is true; callers
     * keep their composite for the rest.
     */
    void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out);

    /** Whether {@link #unaryBackward} handles {@code op}. */
    boolean supportsUnaryBackward(UnaryOp op);

    /**
     * Softmax (or log-softmax) backward along {@code dim} from the forward output y:
     * softmax dx = y (g - sum(g y)); log-softmax dx = g - exp(y) sum(g). y, gradOut, out: one shape.
     */
    void softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log, Tensor out);

    /**
     * Layer norm backward over the last dimension D. x, gradOut, dx: (R, D); weight: (D) or null;
     * mean, rstd: (R) as saved by {@link #layerNorm}; dweight, dbias: (D) outputs or null.
     * dweight and dbias are summed over rows in an order that does not depend on the thread count.
     */
    void layerNormBackward(
            Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, Tensor dx, Tensor dweight, Tensor dbias);

    /**
     * One AdamW step in place on param, expAvg and expAvgSq (grad read only; all one shape and dtype),
     * in torch.optim.AdamW's order: p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * p -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps), bc = 1 - beta^t.
     */
    void adamwStep(
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
            double biasCorrection2);

    /**
     * Fused scaled dot-product attention: out = softmax(scale q k^T + mask) v per head, with the
     * logsumexp of each query row's scaled scores saved for {@link #attentionBackward}. q: (B, H, Tq, D),
     * k: (B, H, Tk, D), v: (B, H, Tk, Dv), out: (B, H, Tq, Dv), logsumexp: (B, H, Tq) or null; all one
     * floating dtype, any strides (views out of a permuted qkv projection arrive as they are).
     * {@code causal}: query i sees keys j <= i. keyPaddingMask: BOOL (B, Tk), true = ignore that key, or
     * null. A query that sees no key gets out = 0 and logsumexp = -inf. No (Tq, Tk) tensor need outlive
     * the call.
     */
    void attention(
            Tensor q,
            Tensor k,
            Tensor v,
            double scale,
            boolean causal,
            Tensor keyPaddingMask,
            Tensor out,
            Tensor logsumexp);

    /**
     * Backward of {@link #attention} from its inputs, its output, the incoming gradient gradOut
     * (shaped like out) and the saved logsumexp; probabilities are recomputed. dq, dk, dv: outputs
     * shaped like q, k, v (overwritten). Sums run in an order that does not depend on the thread count.
     */
    void attentionBackward(
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
            Tensor dv);
}
