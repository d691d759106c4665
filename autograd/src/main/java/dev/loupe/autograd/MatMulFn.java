package dev.loupe.autograd;

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
        return Var.record("matmul", x.matmul(y), new Var[] {a, b}, new Var[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? g.matmul(y.mT()) : null,
                b.requiresGrad() ? x.mT().matmul(g) : null});
    }
}
