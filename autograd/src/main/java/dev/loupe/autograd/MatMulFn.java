package dev.loupe.autograd;

import dev.loupe.tensor.LinearAlgebra;
import dev.loupe.tensor.Tensor;

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
        return Var.record("linear", out, inputs, new Var[] {x, w}, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            if (x.requiresGrad()) grads[0] = g.matmul(wd);
            if (w.requiresGrad()) grads[1] = g.mT().matmul(xd);
            if (b != null && b.requiresGrad()) grads[2] = g.sum(false, 0);
            return grads;
        });
    }
}
