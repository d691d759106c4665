package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * y = x W^T + b. Args: in, out features, bias. Shape: x (..., in) -> (..., out).
 * weight (out, in) as PyTorch; init trunc_normal(std .02), bias 0 (timm / DINO).
 */
public final class Linear extends Module {
    public final Var weight;
    public final Var bias; // null without bias
    private final int in, out;

    public Linear(int in, int out, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Tensor.truncNormal(rng, 0.02, -2, 2, out, in));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
    }

    public Var forward(Var x) {
        return forward(x, null);
    }

    /**
     * activation(x W^T + b), the activation applied in the GEMM's output pass (see
     * {@link Var#linear(Var, Var, UnaryOp)}); activation null: the plain layer.
     */
    public Var forward(Var x, UnaryOp activation) {
        if (x.size(-1) != in) {
            throw new IllegalArgumentException(
                    "Linear(" + in + " -> " + out + "): input " + x.data().shape() + " has last dim " + x.size(-1));
        }
        int[] s = x.sizes();
        // x: (..., in) flattened to (R, in) so the product is one GEMM (started from the bias) and dW one GEMM over all
        // rows
        Var rows = x.reshape(-1, in);
        Var flat = activation == null ? rows.linear(weight, bias) : rows.linear(weight, bias, activation);
        s[s.length - 1] = out;
        return flat.reshape(s);
    }

    /**
     * residual + (x W^T + b), the residual added to the GEMM's output in cache (see
     * {@link Var#linearResidual}): the values and gradients of {@code residual.add(forward(x))}.
     * Shape: x (..., in), residual (..., out) -> (..., out).
     */
    public Var forwardResidual(Var x, Var residual) {
        if (x.size(-1) != in) {
            throw new IllegalArgumentException(
                    "Linear(" + in + " -> " + out + "): input " + x.data().shape() + " has last dim " + x.size(-1));
        }
        int[] s = x.sizes();
        s[s.length - 1] = out;
        if (!java.util.Arrays.equals(s, residual.sizes())) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): residual "
                    + residual.data().shape() + " does not match the output " + java.util.Arrays.toString(s));
        }
        return x.reshape(-1, in)
                .linearResidual(weight, bias, residual.reshape(-1, out))
                .reshape(s);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }
}
