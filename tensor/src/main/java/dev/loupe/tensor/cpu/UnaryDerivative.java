package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Erf;
import dev.loupe.tensor.UnaryOp;

/**
 * The scalar definition of op'(x) for the unary ops whose backward runs fused: the twin the vector
 * loops of {@link UnaryBackwardLoops} are tested against, and the F64 path. Computed in double and
 * rounded once for float, like the tokens' own {@code apply}.
 */
final class UnaryDerivative {
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;

    private UnaryDerivative() {}

    /** Whether {@link #of} defines op'(x). */
    static boolean supports(UnaryOp op) {
        return switch (op) {
            case GELU, GELU_TANH, SILU, QUICK_GELU, SIGMOID, TANH, RELU, EXP -> true;
            default -> false;
        };
    }

    static float of(UnaryOp op, float x) {
        return op == UnaryOp.RELU ? (x > 0f ? 1f : 0f) : (float) of(op, (double) x);
    }

    static double of(UnaryOp op, double x) {
        return switch (op) {
            // Phi(x) + x phi(x)
            case GELU -> 0.5 * (1.0 + Erf.erf(x * INV_SQRT2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
            case GELU_TANH -> {
                // 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2), t = tanh(sqrt(2/pi) (x + c x^3))
                double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x);
            }
            case SILU -> swish(x, 1.0);
            case QUICK_GELU -> swish(x, 1.702);
            case SIGMOID -> {
                double s = 1.0 / (1.0 + Math.exp(-x));
                yield s * (1.0 - s);
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1.0 - t * t;
            }
            case RELU -> x > 0 ? 1.0 : 0.0;
            case EXP -> Math.exp(x);
            default -> throw new IllegalArgumentException("unary_backward: no fused derivative for " + op);
        };
    }

    /** d/dx x sigmoid(k x) = s (1 + k x (1 - s)), s = sigmoid(k x). */
    private static double swish(double x, double k) {
        double s = 1.0 / (1.0 + Math.exp(-k * x));
        return s * (1.0 + k * x * (1.0 - s));
    }
}
