package dev.loupe.tensor;

/**
 * Front end of the fused backward and optimiser kernels: shape checks and output allocation, then
 * the backend. Each replaces a composite of tensor ops whose full-size temporaries dominated a
 * training step; the composite stays the definition, and these must agree with it.
 */
public final class Fused {
    private Fused() {}

    /** dx of a layer norm over the last dim; dweight / dbias null when the layer has none. */
    public record LayerNormGrads(Tensor dx, Tensor dweight, Tensor dbias) {}

    /** Whether {@link #unaryBackward} runs fused for {@code op} on tensors like {@code x}. */
    public static boolean supportsUnaryBackward(UnaryOp op, Tensor x) {
        return x.dtype().isFloating() && x.backend().supportsUnaryBackward(op);
    }

    /** gradOut * op'(x), one pass. x, gradOut: one shape and floating dtype. */
    public static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradOut) {
        String name = op.name().toLowerCase() + "_backward";
        requireSame(name, x, gradOut);
        if (!supportsUnaryBackward(op, x)) throw new IllegalArgumentException(name + ": not fused for " + x.dtype());
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.sizes());
        x.backend().unaryBackward(op, x, gradOut, out);
        return out;
    }

    /**
     * (a @ b) * op'(x): the gradient through an activation that followed a product, with the
     * derivative applied to the product's output in cache where the backend can (see
     * {@link Backend#matmulUnaryBackward}); the values of {@code unaryBackward(op, x, a.matmul(b))}.
     * a: (M, K), b: (K, N), x: (M, N); op must satisfy {@link #supportsUnaryBackward}.
     */
    public static Tensor matmulUnaryBackward(UnaryOp op, Tensor a, Tensor b, Tensor x) {
        String name = "matmul_" + op.name().toLowerCase() + "_backward";
        if (a.rank() != 2
                || b.rank() != 2
                || x.rank() != 2
                || a.size(1) != b.size(0)
                || x.size(0) != a.size(0)
                || x.size(1) != b.size(1)) {
            throw new IllegalArgumentException(name + ": shapes " + a.shape() + ", " + b.shape() + " and " + x.shape()
                    + " do not fit (need (M, K), (K, N), (M, N))");
        }
        if (!a.dtype().isFloating() || b.dtype() != a.dtype() || x.dtype() != a.dtype()) {
            throw new IllegalArgumentException(name + ": dtypes " + a.dtype() + ", " + b.dtype() + " and " + x.dtype()
                    + " must be one floating dtype");
        }
        Elementwise.requireSameDevice(name, a, b);
        Elementwise.requireSameDevice(name, a, x);
        if (!supportsUnaryBackward(op, x)) throw new IllegalArgumentException(name + ": not fused for " + x.dtype());
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.sizes());
        x.backend().matmulUnaryBackward(op, a, b, x, out);
        return out;
    }

    /** Softmax backward along {@code dim} from the output y: y (g - sum(g y)). */
    public static Tensor softmaxBackward(Tensor y, Tensor gradOut, int dim) {
        return softmaxBackward(y, gradOut, dim, false);
    }

    /** Log-softmax backward along {@code dim} from the output y: g - exp(y) sum(g). */
    public static Tensor logSoftmaxBackward(Tensor y, Tensor gradOut, int dim) {
        return softmaxBackward(y, gradOut, dim, true);
    }

    private static Tensor softmaxBackward(Tensor y, Tensor gradOut, int dim, boolean log) {
        String name = log ? "log_softmax_backward" : "softmax_backward";
        requireSame(name, y, gradOut);
        int d = Shape.normalizeDim(dim, Math.max(1, y.rank()));
        Tensor out = Tensor.emptyLike(y, y.dtype(), y.sizes());
        if (y.rank() == 0) y.backend().softmaxBackward(y.reshape(1), gradOut.reshape(1), 0, log, out.reshape(1));
        else y.backend().softmaxBackward(y, gradOut, d, log, out);
        return out;
    }

    /**
     * Layer norm backward over the last dim D. x, gradOut: (..., D); weight: (D) or null; mean, rstd:
     * (R) for R rows, as {@link Normalization#layerNorm} returns them. dweight is computed when
     * {@code weightGrad}, dbias when {@code biasGrad}.
     */
    public static LayerNormGrads layerNormBackward(
            Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut, boolean weightGrad, boolean biasGrad) {
        requireSame("layer_norm_backward", x, gradOut);
        if (x.rank() == 0) throw new IllegalArgumentException("layer_norm_backward: needs rank >= 1, got a scalar");
        int d = x.size(-1);
        int rows = d == 0 ? 0 : x.numel() / d;
        Tensor dx = Tensor.emptyLike(x, x.dtype(), x.sizes());
        Tensor dw = weightGrad ? Tensor.emptyLike(x, x.dtype(), d) : null,
                db = biasGrad ? Tensor.emptyLike(x, x.dtype(), d) : null;
        x.backend()
                .layerNormBackward(
                        x.reshape(rows, d),
                        weight,
                        mean.reshape(rows),
                        rstd.reshape(rows),
                        gradOut.reshape(rows, d),
                        dx.view(rows, d),
                        dw,
                        db);
        return new LayerNormGrads(dx, dw, db);
    }

    /**
     * One AdamW step in place on param, expAvg (m) and expAvgSq (v); see {@link Backend#adamwStep}.
     * biasCorrection1/2 are 1 - beta1^t and 1 - beta2^t.
     */
    public static void adamwStep(
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
        for (Tensor t : new Tensor[] {grad, expAvg, expAvgSq}) requireSame("adamw_step", param, t);
        param.backend()
                .adamwStep(
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
                        biasCorrection2);
    }

    private static void requireSame(String op, Tensor a, Tensor b) {
        if (!a.dtype().isFloating() || a.dtype() != b.dtype() || !a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": operands " + a.shape() + " " + a.dtype() + " and " + b.shape()
                    + " " + b.dtype() + " must be floating and match");
        }
    }
}
