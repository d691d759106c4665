package dev.loupe.autograd;

import dev.loupe.tensor.LinearAlgebra;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * Matrix product with torch.matmul's rank rules. For a: (..., M, K), b: (..., K, N), g: (..., M, N):
 * dA = g . B^T, dB = A^T . g (transposes are views, the GEMM reads them in place); broadcast batch
 * dims are summed back by the engine.
 */
final class MatMulFn {
    private MatMulFn() {}

    static Var matmul(Var a, Var b) {
        if (a.rank() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.rank() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        Tensor x = a.data(), y = b.data();
        return Var.record("matmul", x.matmul(y), new Var[] {a, b}, new Var[] {a, b}, g ->
                new Tensor[] {a.requiresGrad() ? g.matmul(y.mT()) : null, b.requiresGrad() ? x.mT().matmul(g) : null});
    }

    /**
     * A linear layer, bias + x @ w^T, as one GEMM started from the bias. x: (R, in), w: (out, in),
     * b: (out) or null; g: (R, out). dx = g . w, dw = g^T . x (each element the same k-ordered fma
     * chain as the unfused matmul's), db = g summed over rows.
     */
    static Var linear(Var x, Var w, Var b) {
        Tensor xd = x.data(), wd = w.data();
        Tensor out = LinearAlgebra.linear(xd, wd, b == null ? null : b.data());
        Var[] inputs = b == null ? new Var[] {x, w} : new Var[] {x, w, b};
        return Var.record("linear", out, inputs, new Var[] {x, w}, g -> grads(inputs, xd, wd, g));
    }

    /**
     * A linear layer and its activation, op(bias + x @ w^T), the activation applied to each GEMM output
     * block in cache: the values of {@code linear(x, w, b).apply(op)}, and the same gradient, g * op'(pre)
     * into {@link #linear}'s backward. When the op is recorded the pre-activation (R, out) is kept
     * for that; otherwise (inference, grad mode off) the output is the only tensor allocated.
     */
    static Var linear(Var x, Var w, Var b, UnaryOp op) {
        Tensor xd = x.data(), wd = w.data();
        Var[] inputs = b == null ? new Var[] {x, w} : new Var[] {x, w, b};
        boolean recorded = false;
        if (GradMode.isEnabled()) for (Var v : inputs) recorded |= v.requiresGrad();
        LinearAlgebra.Activated r = LinearAlgebra.linear(xd, wd, b == null ? null : b.data(), op, recorded);
        return Var.record("linear_" + op.name().toLowerCase(), r.out(), inputs, new Var[] {x, w}, g -> {
            Tensor gPre = UnaryFns.backward(op, r.pre(), r.out(), g);
            return grads(inputs, xd, wd, gPre);
        });
    }

    /** dx = g . w, dw = g^T . x, db = g summed over rows; null where an input needs no gradient. */
    private static Tensor[] grads(Var[] inputs, Tensor xd, Tensor wd, Tensor g) {
        Tensor[] grads = new Tensor[inputs.length];
        if (inputs[0].requiresGrad()) grads[0] = g.matmul(wd);
        if (inputs[1].requiresGrad()) grads[1] = g.mT().matmul(xd);
        if (inputs.length > 2 && inputs[2].requiresGrad()) grads[2] = g.sum(false, 0);
        return grads;
    }
}
