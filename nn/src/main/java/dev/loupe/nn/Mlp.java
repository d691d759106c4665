package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.UnaryOp;

/** fc1 -> activation -> fc2 (timm's Mlp). Shape: (..., D) -> (..., D); hidden = D * mlp ratio. */
public final class Mlp extends Module {
    public final Linear fc1, fc2;
    private final UnaryOp activation;

    public Mlp(int dim, int hidden, UnaryOp activation, Rng rng) {
        this.fc1 = child("fc1", new Linear(dim, hidden, true, rng));
        this.fc2 = child("fc2", new Linear(hidden, dim, true, rng));
        this.activation = activation;
    }

    public Var forward(Var x) {
        return forward(x, fc1, activation, fc2, "Mlp");
    }

    /**
     * residual + forward(x), the residual added to fc2's GEMM output blocks in cache (a pre-norm block's
     * x + mlp(norm2(x))): the values and gradients of {@code residual.add(forward(x))}. residual: x's shape
     * with the last dim fc2's output.
     */
    public Var forwardResidual(Var x, Var residual) {
        return forwardResidual(x, fc1, activation, fc2, "Mlp", residual);
    }

    /**
     * fc2(activation(fc1(x))) for x: (..., D) as (R, D) in one op: the activation in fc1's GEMM output pass (one
     * (R, hidden) tensor in inference, two in training), its derivative in the output pass of the GEMM that makes
     * dh. {@code owner} names the module in the shape error.
     */
    public static Var forward(Var x, Linear fc1, UnaryOp activation, Linear fc2, String owner) {
        checkInput(x, fc1, owner);
        int[] s = x.sizes();
        Var y = x.reshape(-1, s[s.length - 1]).mlp(fc1.weight, fc1.bias, activation, fc2.weight, fc2.bias);
        s[s.length - 1] = fc2.outFeatures();
        return y.reshape(s);
    }

    private static void checkInput(Var x, Linear fc1, String owner) {
        if (x.size(-1) != fc1.inFeatures()) {
            throw new IllegalArgumentException(
                    owner + "(" + fc1.inFeatures() + "): input " + x.data().shape() + " has last dim " + x.size(-1));
        }
    }

    /**
     * residual + {@link #forward(Var, Linear, UnaryOp, Linear, String)}, the residual added to fc2's GEMM
     * output blocks in cache ({@link Var#mlpResidual}). residual: x's shape with the last dim fc2's output.
     */
    public static Var forwardResidual(Var x, Linear fc1, UnaryOp activation, Linear fc2, String owner, Var residual) {
        checkInput(x, fc1, owner);
        int[] s = x.sizes();
        s[s.length - 1] = fc2.outFeatures();
        if (!java.util.Arrays.equals(s, residual.sizes())) {
            throw new IllegalArgumentException(owner + ": residual "
                    + residual.data().shape() + " does not match the output " + java.util.Arrays.toString(s));
        }
        Var flat = x.reshape(-1, fc1.inFeatures());
        return flat.mlpResidual(
                        fc1.weight, fc1.bias, activation, fc2.weight, fc2.bias, residual.reshape(-1, fc2.outFeatures()))
                .reshape(s);
    }
}
