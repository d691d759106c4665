package dev.loupe.tensor;

/** Front end of the fused row kernels: softmax, log-softmax and layer norm. */
public final class Normalization {
    private Normalization() {}

    /** What layer norm computes, plus what its backward pass needs. mean, rstd: (R) for R rows. */
    public record LayerNormResult(Tensor out, Tensor mean, Tensor rstd) {}

    public static Tensor softmax(Tensor x, int dim) {
        return softmax(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmax(x, dim, true);
    }

    private static Tensor softmax(Tensor x, int dim, boolean log) {
        requireFloating(log ? "log_softmax" : "softmax", x);
        int d = Shape.normalizeDim(dim, Math.max(1, x.rank()));
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.sizes());
        x.backend().softmax(x.rank() == 0 ? x.reshape(1) : x, d, log, x.rank() == 0 ? out.reshape(1) : out);
        return out;
    }

    /**
     * Normalises over the last dimension D. x: (..., D); weight, bias: (D) or null.
     * Returns the output and, per row, the mean and 1/sqrt(var + eps) (biased variance).
     */
    public static LayerNormResult layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        requireFloating("layer_norm", x);
        if (x.rank() == 0) throw new IllegalArgumentException("layer_norm: needs rank >= 1, got a scalar");
        int d = x.size(-1);
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.rank() != 1 || p.size(0) != d || p.dtype() != x.dtype())) {
                throw new IllegalArgumentException("layer_norm: weight/bias must be (" + d + ",) " + x.dtype()
                        + " for input " + x.shape() + ", got " + p.shape() + " " + p.dtype());
            }
        }
        int rows = d == 0 ? 0 : x.numel() / d;
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.sizes());
        Tensor mean = Tensor.emptyLike(x, x.dtype(), rows);
        Tensor rstd = Tensor.emptyLike(x, x.dtype(), rows);
        x.backend().layerNorm(x.reshape(rows, d), weight, bias, eps, out.view(rows, d), mean, rstd);
        return new LayerNormResult(out, mean, rstd);
    }

    private static void requireFloating(String op, Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(
                    op + ": needs a floating tensor, got " + x.dtype() + " of shape " + x.shape());
        }
    }
}
