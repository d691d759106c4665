package dev.loupe.autograd;

import dev.loupe.tensor.Fused;
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
     * A linear layer's output added to a residual stream, residual + (bias + x @ w^T), the add done on
     * each GEMM output block in cache ({@link LinearAlgebra#linear(Tensor, Tensor, Tensor, Tensor)}):
     * the values and gradients of {@code residual.add(linear(x, w, b))}; the residual's gradient is g.
     */
    static Var linear(Var x, Var w, Var b, Var residual) {
        Tensor xd = x.data(), wd = w.data();
        Tensor out = LinearAlgebra.linear(xd, wd, b == null ? null : b.data(), residual.data());
        Var[] inputs = b == null ? new Var[] {x, w, residual} : new Var[] {x, w, b, residual};
        return Var.record("linear_residual", out, inputs, new Var[] {x, w}, g -> withResidual(inputs, xd, wd, g));
    }

    /** {@link #grads} for the inputs before the last, and g itself for the last (a residual). */
    private static Tensor[] withResidual(Var[] inputs, Tensor xd, Tensor wd, Tensor g) {
        Tensor[] head = grads(java.util.Arrays.copyOf(inputs, inputs.length - 1), xd, wd, g);
        Tensor[] all = java.util.Arrays.copyOf(head, inputs.length);
        if (inputs[inputs.length - 1].requiresGrad()) all[inputs.length - 1] = g;
        return all;
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

    /**
     * Two linear layers with an activation between, fc2(op(fc1(x))) (a transformer's MLP), as one
     * recorded op whose backward applies op'(pre) to the product g . w2 in that GEMM's output pass
     * ({@link Fused#matmulUnaryBackward}) instead of making dh and then dpre. Values and gradients are
     * those of {@code linear(linear(x, w1, b1, op), w2, b2)}: the same GEMMs and elementwise loops.
     * x: (R, in), w1: (hidden, in), b1: (hidden), w2: (out, hidden), b2: (out) -> (R, out).
     */
    static Var mlp(Var x, Var w1, Var b1, UnaryOp op, Var w2, Var b2) {
        return mlp(x, w1, b1, op, w2, b2, null);
    }

    /**
     * {@link #mlp}, with {@code residual} (R, out) added to fc2's output blocks in cache when not null:
     * the values and gradients of {@code residual.add(mlp(...))}; the residual's gradient is g.
     */
    static Var mlp(Var x, Var w1, Var b1, UnaryOp op, Var w2, Var b2, Var residual) {
        Tensor xd = x.data(), w1d = w1.data(), w2d = w2.data();
        Var[] inputs = residual == null ? new Var[] {x, w1, b1, w2, b2} : new Var[] {x, w1, b1, w2, b2, residual};
        boolean recorded = false;
        if (GradMode.isEnabled()) for (Var v : inputs) recorded |= v.requiresGrad();
        LinearAlgebra.Activated h = LinearAlgebra.linear(xd, w1d, b1.data(), op, recorded); // (R, hidden)
        Tensor out = residual == null
                ? LinearAlgebra.linear(h.out(), w2d, b2.data())
                : LinearAlgebra.linear(h.out(), w2d, b2.data(), residual.data());
        String name = "mlp_" + op.name().toLowerCase() + (residual == null ? "" : "_residual");
        return Var.record(name, out, inputs, new Var[] {x, w1, w2}, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            if (residual != null && residual.requiresGrad()) grads[5] = g;
            if (w2.requiresGrad()) grads[3] = g.mT().matmul(h.out());
            if (b2.requiresGrad()) grads[4] = g.sum(false, 0);
            if (x.requiresGrad() || w1.requiresGrad() || b1.requiresGrad()) {
                Tensor gPre = Fused.supportsUnaryBackward(op, h.pre())
                        ? Fused.matmulUnaryBackward(op, g, w2d, h.pre())
                        : UnaryFns.backward(op, h.pre(), h.out(), g.matmul(w2d));
                Tensor[] first = grads(new Var[] {x, w1, b1}, xd, w1d, gPre);
                System.arraycopy(first, 0, grads, 0, 3);
            }
            return grads;
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
