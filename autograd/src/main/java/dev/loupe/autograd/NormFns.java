package dev.loupe.autograd;

import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Tensor;

/**
 * Softmax, log-softmax and layer norm, each with its closed-form backward. The backward formulas run
 * as fused row kernels ({@link Fused}): one pass per row instead of a chain of full-size temporaries.
 */
final class NormFns {
    private NormFns() {}

    // y = softmax(x): dx = y * (g - sum(g * y))
    static Var softmax(Var a, int dim) {
        Tensor y = a.data().softmax(dim);
        return Var.record(
                "softmax", y, new Var[] {a}, new Var[0], g -> new Tensor[] {Fused.softmaxBackward(y, g, dim)});
    }

    // y = log_softmax(x): dx = g - softmax(x) * sum(g)
    static Var logSoftmax(Var a, int dim) {
        Tensor y = a.data().logSoftmax(dim);
        return Var.record(
                "log_softmax", y, new Var[] {a}, new Var[0], g -> new Tensor[] {Fused.logSoftmaxBackward(y, g, dim)});
    }

    /**
     * Over the last dim D, per row: xhat = (x - mean) * rstd, y = xhat * w + b.
     * dxhat = g * w; dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat));
     * dw = sum over rows of g * xhat; db = sum over rows of g.
     */
    static Var layerNorm(Var a, Var weight, Var bias, double eps) {
        Tensor x = a.data();
        Tensor w = weight == null ? null : weight.data(), b = bias == null ? null : bias.data();
        Normalization.LayerNormResult r = Normalization.layerNorm(x, w, b, eps);
        Var[] inputs =
                weight == null ? new Var[] {a} : bias == null ? new Var[] {a, weight} : new Var[] {a, weight, bias};
        return Var.record("layer_norm", r.out(), inputs, inputs, g -> {
            Fused.LayerNormGrads lg =
                    Fused.layerNormBackward(x, w, r.mean(), r.rstd(), g, inputs.length > 1, inputs.length > 2);
            Tensor[] grads = new Tensor[inputs.length];
            grads[0] = lg.dx();
            if (inputs.length > 1) grads[1] = lg.dweight();
            if (inputs.length > 2) grads[2] = lg.dbias();
            return grads;
        });
    }
}
