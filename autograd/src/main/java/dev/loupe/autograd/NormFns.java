package dev.loupe.autograd;

import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Tensor;

/** Softmax, log-softmax and layer norm, each with its closed-form backward. */
final class NormFns {
    private NormFns() {}

    // y = softmax(x): dx = y * (g - sum(g * y))
    static Var softmax(Var a, int dim) {
        Tensor y = a.data().softmax(dim);
        return Var.record("softmax", y, new Var[] {a}, new Var[0],
                g -> new Tensor[] {y.mul(g.sub(g.mul(y).sum(true, dim)))});
    }

    // y = log_softmax(x): dx = g - softmax(x) * sum(g)
    static Var logSoftmax(Var a, int dim) {
        Tensor y = a.data().logSoftmax(dim);
        return Var.record("log_softmax", y, new Var[] {a}, new Var[0],
                g -> new Tensor[] {g.sub(y.exp().mul(g.sum(true, dim)))});
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
        int d = x.size(-1);
        int rows = d == 0 ? 0 : x.numel() / d;
        Var[] inputs = weight == null ? new Var[] {a} : bias == null ? new Var[] {a, weight} : new Var[] {a, weight, bias};
        return Var.record("layer_norm", r.out(), inputs, inputs, g -> {
            Tensor g2 = g.reshape(rows, d);                       // (R, D)
            Tensor mean = r.mean().reshape(rows, 1), rstd = r.rstd().reshape(rows, 1);
            Tensor xhat = x.reshape(rows, d).sub(mean).mul(rstd); // (R, D)
            Tensor dxhat = w == null ? g2 : g2.mul(w);
            Tensor dx = dxhat.sub(dxhat.mean(true, 1)).sub(xhat.mul(dxhat.mul(xhat).mean(true, 1))).mul(rstd);
            Tensor[] grads = new Tensor[inputs.length];
            grads[0] = dx.reshape(x.sizes());
            if (inputs.length > 1) grads[1] = g2.mul(xhat).sum(false, 0);
            if (inputs.length > 2) grads[2] = g2.sum(false, 0);
            return grads;
        });
    }
}
