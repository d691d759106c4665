package dev.loupe.tensor;

/** Front end of matmul: torch.matmul's rank rules and batch broadcasting. */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /**
     * a @ b. 1-D operands are promoted (a: prepend a 1 row, b: append a 1 column) and the added dim
     * removed from the result; batch dims (all but the last two) broadcast.
     * a: (..., M, K), b: (..., K, N) -> (..., M, N).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        matmulOperandsCheck(a, b);
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        int m = a2.size(-2), k = a2.size(-1), kb = b2.size(-2), n = b2.size(-1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape()
                    + " do not align (inner sizes " + k + " and " + kb + ")");
        }
        int[] batchA = batchDims(a2), batchB = batchDims(b2);
        int[] batch = Shape.broadcast("matmul (batch dims)", batchA, batchB);
        int[] outShape = append(batch, m, n);
        Tensor out = Tensor.emptyLike(a, a.dtype(), outShape);
        a.backend().matmul(a2.expand(append(batch, m, k)), b2.expand(append(batch, k, n)), out);
        Tensor r = out;
        if (b.rank() == 1) r = r.squeeze(-1);
        if (a.rank() == 1) r = r.squeeze(b.rank() == 1 ? -1 : -2);
        return r;
    }

    /**
     * A linear layer's product, bias + x @ w^T, as one GEMM that starts from the bias (no second pass,
     * no second tensor; see {@link Backend#matmulBias}). x: (R, in), w: (out, in) as PyTorch stores it, bias: (out) or
     * null -> (R, out).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        checkShapes(x, w);
        if (bias == null) return matmul(x, w.mT());
        checkLinear(x, w, bias);
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.size(0), w.size(0));
        x.backend().matmulBias(x, w.mT(), bias, out);
        return out;
    }

    /**
     * residual + (bias + x @ w^T), the residual added to each GEMM output block while it is in cache (see
     * {@link Backend#matmulBiasAdd}): the values of {@code residual.add(linear(x, w, bias))} without the
     * linear layer's own output tensor. x: (R, in), w: (out, in), bias: (out) or null, residual: (R, out)
     * -> (R, out).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias, Tensor residual) {
        checkShapes(x, w);
        if (bias != null) checkLinear(x, w, bias);
        Elementwise.requireSameDevice("linear", x, residual);
        if (residual.rank() != 2
                || residual.size(0) != x.size(0)
                || residual.size(1) != w.size(0)
                || residual.dtype() != x.dtype()) {
            throw new IllegalArgumentException("linear: residual " + residual.dtype() + " " + residual.shape()
                    + " does not fit the output (" + x.size(0) + ", " + w.size(0) + ") " + x.dtype());
        }
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.size(0), w.size(0));
        x.backend().matmulBiasAdd(x, w.mT(), bias, residual, out);
        return out;
    }

    /** A linear layer's output after its activation, and the pre-activation (null when not kept). */
    public record Activated(Tensor pre, Tensor out) {}

    /**
     * op(bias + x @ w^T) with the activation applied to the GEMM's output while it is in cache (see
     * {@link Backend#matmulBiasUnary}); the same values as {@link #linear} then {@code apply(op)}.
     * {@code keepPre}: also return the pre-activation, which a backward pass needs; without it the
     * output is the only tensor allocated. x: (R, in), w: (out, in), bias: (out) or null -> (R, out).
     */
    public static Activated linear(Tensor x, Tensor w, Tensor bias, UnaryOp op, boolean keepPre) {
        checkShapes(x, w);
        if (bias == null) {
            Tensor pre = linear(x, w, null);
            return new Activated(keepPre ? pre : null, pre.apply(op));
        }
        checkLinear(x, w, bias);
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.size(0), w.size(0));
        Tensor pre = keepPre ? Tensor.emptyLike(x, x.dtype(), x.size(0), w.size(0)) : null;
        x.backend().matmulBiasUnary(op, x, w.mT(), bias, pre, out);
        return new Activated(pre, out);
    }

    private static void checkShapes(Tensor x, Tensor w) {
        if (x.rank() != 2 || w.rank() != 2 || x.size(1) != w.size(1)) {
            throw new IllegalArgumentException("linear: input " + x.shape() + " and weight " + w.shape()
                    + " do not fit (need (R, in) and (out, in))");
        }
    }

    private static void checkLinear(Tensor x, Tensor w, Tensor bias) {
        Elementwise.requireSameDevice("linear", x, bias);
        if (bias.rank() != 1 || bias.size(0) != w.size(0) || bias.dtype() != x.dtype()) {
            throw new IllegalArgumentException("linear: bias " + bias.dtype() + " " + bias.shape()
                    + " does not fit weight " + w.shape() + " (need (" + w.size(0) + ",) " + x.dtype() + ")");
        }
        matmulOperandsCheck(x, w);
    }

    private static void matmulOperandsCheck(Tensor a, Tensor b) {
        Elementwise.requireSameDevice("matmul", a, b);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException(
                    "matmul: both operands need rank >= 1, got " + a.shape() + " and " + b.shape());
        }
        if (a.dtype() != b.dtype() || !a.dtype().isFloating()) {
            throw new IllegalArgumentException("matmul: operands must share a floating dtype, got " + a.dtype() + " "
                    + a.shape() + " and " + b.dtype() + " " + b.shape());
        }
    }

    private static int[] batchDims(Tensor t) {
        int[] s = t.sizes();
        int[] b = new int[s.length - 2];
        System.arraycopy(s, 0, b, 0, b.length);
        return b;
    }

    private static int[] append(int[] batch, int r, int c) {
        int[] s = new int[batch.length + 2];
        System.arraycopy(batch, 0, s, 0, batch.length);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
