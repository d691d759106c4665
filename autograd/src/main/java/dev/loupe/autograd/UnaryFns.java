package dev.loupe.autograd;

import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * Elementwise functions and their derivatives, one table. Each entry gives dy/dx from the input x
 * and the output y = f(x), whichever is cheaper. Where the backend fuses g * f'(x) into one pass
 * ({@link Fused#unaryBackward}: the activations, sigmoid, tanh, relu, exp) that kernel runs instead,
 * since the composite's full-size temporaries cost more than its arithmetic; the table stays the
 * definition for the other ops and the reference the fused kernels are tested against.
 */
final class UnaryFns {
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private UnaryFns() {}

    static Var apply(UnaryOp op, Var a) {
        Tensor x = a.data();
        Tensor y = x.apply(op);
        return Var.record(
                op.name().toLowerCase(), y, new Var[] {a}, new Var[] {a}, g -> new Tensor[] {backward(op, x, y, g)});
    }

    /** g * dy/dx. */
    static Tensor backward(UnaryOp op, Tensor x, Tensor y, Tensor g) {
        if (op == UnaryOp.NEG) return g.neg();
        if (Fused.supportsUnaryBackward(op, x) && g.shape().equals(x.shape()) && g.dtype() == x.dtype()) {
            return Fused.unaryBackward(op, x, g);
        }
        return g.mul(derivative(op, x, y));
    }

    /** dy/dx for y = op(x). */
    static Tensor derivative(UnaryOp op, Tensor x, Tensor y) {
        return switch (op) {
            case NEG -> Tensor.full(x.device(), x.dtype(), -1, x.sizes());
            case ABS, SIGN ->
                op == UnaryOp.ABS ? x.apply(UnaryOp.SIGN) : Tensor.zeros(x.device(), x.dtype(), x.sizes());
            case SQUARE -> x.mul(2.0);
            case SQRT -> y.mul(2.0).apply(UnaryOp.RECIPROCAL);
            case RSQRT -> y.pow(3.0).mul(-0.5);
            case RECIPROCAL -> y.mul(y).neg();
            case EXP -> y;
            case LOG -> x.apply(UnaryOp.RECIPROCAL);
            case SIN -> x.apply(UnaryOp.COS);
            case COS -> x.apply(UnaryOp.SIN).neg();
            case TANH -> y.mul(y).neg().add(1.0);
            case ERF -> x.mul(x).neg().exp().mul(2.0 / Math.sqrt(Math.PI));
            case SIGMOID -> y.mul(y.neg().add(1.0));
            case RELU -> x.gt(0.0).to(x.dtype());
            case SILU -> {
                Tensor s = x.sigmoid(); // s + x s (1 - s)
                yield s.add(x.mul(s).mul(s.neg().add(1.0)));
            }
            case GELU -> {
                // Phi(x) + x phi(x)
                Tensor cdf =
                        x.mul(0.7071067811865476).apply(UnaryOp.ERF).add(1.0).mul(0.5);
                Tensor pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
                yield cdf.add(x.mul(pdf));
            }
            case GELU_TANH -> {
                // 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2), t = tanh(sqrt(2/pi) (x + c x^3))
                Tensor x2 = x.mul(x);
                Tensor t = x.add(x2.mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh();
                Tensor inner = x2.mul(3 * 0.044715).add(1.0).mul(SQRT_2_OVER_PI);
                yield t.add(1.0)
                        .mul(0.5)
                        .add(x.mul(0.5).mul(t.mul(t).neg().add(1.0)).mul(inner));
            }
            case QUICK_GELU -> {
                Tensor s = x.mul(1.702).sigmoid(); // s + 1.702 x s (1 - s)
                yield s.add(x.mul(1.702).mul(s).mul(s.neg().add(1.0)));
            }
        };
    }
}
