package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** gradcheck (central differences in F64) for every differentiable op. */
class GradCheckOpsTest {
    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape).to(DType.F64);
    }

    /** Values in [lo, hi), away from the kinks of abs / relu / sqrt / log. */
    private static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.rand(new Rng(seed), shape).to(DType.F64).mul(hi - lo).add(lo);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        Tensor x =
                switch (op) {
                    case SQRT, RSQRT, LOG, RECIPROCAL -> uniform(1, 0.5, 2.0, 3, 5);
                    // keep clear of 0, where abs / sign / relu have kinks that central differences straddle
                    case ABS, SIGN, RELU -> uniform(1, 0.1, 2.0, 3, 5).mul(Tensor.of(new double[] {1, -1, 1, -1, 1}));
                    default -> randn(1, 3, 5);
                };
        GradCheck.check(op.name(), v -> v[0].apply(op), x);
    }

    @Test
    void arithmeticWithBroadcasting() {
        Tensor a = randn(2, 4, 3), b = randn(3, 3), c = uniform(4, 0.5, 2, 4, 1);
        GradCheck.check("add", v -> v[0].add(v[1]), a, b);
        GradCheck.check("sub", v -> v[0].sub(v[1]), a, c);
        GradCheck.check("mul", v -> v[0].mul(v[1]), a, b);
        GradCheck.check("div", v -> v[0].div(v[1]), a, c);
        GradCheck.check("scalar ops", v -> v[0].mul(3).add(1).sub(2).div(4), a);
        GradCheck.check("pow", v -> v[0].pow(3), a);
        GradCheck.check("pow fractional", v -> v[0].pow(1.5), c);
        GradCheck.check("maximum", v -> v[0].maximum(v[1]), a, b);
        GradCheck.check("minimum", v -> v[0].minimum(v[1]), a, b);
        GradCheck.check("clamp", v -> v[0].clamp(-0.5, 0.5), a);
    }

    @Test
    void reductions() {
        Tensor x = randn(5, 3, 4, 5);
        GradCheck.check("sum all", v -> v[0].sum(), x);
        GradCheck.check("sum dims", v -> v[0].sum(false, 0, 2), x);
        GradCheck.check("sum keepdim", v -> v[0].sum(true, 1), x);
        GradCheck.check("mean", v -> v[0].mean(false, -1), x);
        GradCheck.check("mean all", v -> v[0].mean(), x);
        GradCheck.check("max", v -> v[0].max(false, 1), x);
        GradCheck.check("min keepdim", v -> v[0].min(true, 2), x);
        GradCheck.check("var", v -> v[0].var(1, false, 2), x);
    }

    @Test
    void viewsAndAssembly() {
        Tensor x = randn(6, 2, 3, 4);
        GradCheck.check("reshape", v -> v[0].reshape(6, 4).mul(v[0].reshape(6, 4)), x);
        GradCheck.check("permute", v -> v[0].permute(2, 0, 1).reshape(4, 6), x);
        GradCheck.check("transpose", v -> v[0].transpose(0, 2), x);
        GradCheck.check("narrow", v -> v[0].narrow(2, 1, 2), x);
        GradCheck.check("select", v -> v[0].select(1, 2), x);
        GradCheck.check("expand", v -> v[0].narrow(0, 0, 1).expand(5, 3, 4), x);
        GradCheck.check("unsqueeze/squeeze", v -> v[0].unsqueeze(1).squeeze(1).flatten(0, 1), x);
        GradCheck.check("pad", v -> v[0].pad(new int[] {1, 2, 0, 1}, 0.5), x);
        Tensor y = randn(7, 2, 1, 4);
        GradCheck.check("concat", v -> Var.concat(1, List.of(v[0], v[1])), x, y);
        GradCheck.check("stack", v -> Var.stack(0, List.of(v[0], v[0].mul(2))), x);
    }

    @Test
    void matmulAllRanks() {
        GradCheck.check("matmul 2d", v -> v[0].matmul(v[1]), randn(8, 3, 4), randn(9, 4, 5));
        GradCheck.check("matmul batched broadcast", v -> v[0].matmul(v[1]), randn(10, 2, 3, 4), randn(11, 4, 2));
        GradCheck.check("matmul transposed view", v -> v[0].matmul(v[1].mT()), randn(12, 3, 4), randn(13, 5, 4));
        GradCheck.check("matmul vector", v -> v[0].matmul(v[1]), randn(14, 4), randn(15, 4, 3));
        GradCheck.check("matmul matrix-vector", v -> v[0].matmul(v[1]), randn(16, 3, 4), randn(17, 4));
    }

    @Test
    void linearWithAndWithoutBias() {
        GradCheck.check("linear", v -> v[0].linear(v[1], v[2]), randn(40, 5, 4), randn(41, 3, 4), randn(42, 3));
        GradCheck.check("linear without bias", v -> v[0].linear(v[1], null), randn(43, 5, 4), randn(44, 3, 4));
    }

    @Test
    void linearWithActivation() {
        // F64 runs the backend's composite (matmulBias then the op); the F32 kernel's equality with it is
        // LinearActivationTest's
        for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.SILU, UnaryOp.TANH}) {
            GradCheck.check(
                    "linear " + op, v -> v[0].linear(v[1], v[2], op), randn(45, 5, 4), randn(46, 3, 4), randn(47, 3));
        }
        GradCheck.check(
                "mlp gelu",
                v -> v[0].mlp(v[1], v[2], UnaryOp.GELU, v[3], v[4]),
                randn(50, 5, 4),
                randn(51, 6, 4),
                randn(52, 6),
                randn(53, 3, 6),
                randn(54, 3));
        GradCheck.check(
                "linear gelu without bias",
                v -> v[0].linear(v[1], null, UnaryOp.GELU),
                randn(48, 5, 4),
                randn(49, 3, 4));
    }

    @Test
    void linearAndMlpWithResidual() {
        // F64 runs the backend's composite (the product, then the add); the F32 kernel's equality with it is
        // LinearResidualTest's
        GradCheck.check(
                "linear + residual",
                v -> v[0].linearResidual(v[1], v[2], v[3]),
                randn(60, 5, 4),
                randn(61, 3, 4),
                randn(62, 3),
                randn(63, 5, 3));
        GradCheck.check(
                "linear without bias + residual",
                v -> v[0].linearResidual(v[1], null, v[2]),
                randn(64, 5, 4),
                randn(65, 3, 4),
                randn(66, 5, 3));
        GradCheck.check(
                "mlp gelu + residual",
                v -> v[0].mlpResidual(v[1], v[2], UnaryOp.GELU, v[3], v[4], v[5]),
                randn(67, 5, 4),
                randn(68, 6, 4),
                randn(69, 6),
                randn(70, 3, 6),
                randn(71, 3),
                randn(72, 5, 3));
    }

    @Test
    void normalisations() {
        Tensor x = randn(18, 4, 6);
        GradCheck.check("softmax last", v -> v[0].softmax(-1), x);
        GradCheck.check("softmax dim0", v -> v[0].softmax(0), x);
        GradCheck.check("log_softmax", v -> v[0].logSoftmax(1), x);
        GradCheck.check(
                "layer_norm affine",
                v -> v[0].layerNorm(v[1], v[2], 1e-6),
                randn(19, 2, 3, 6),
                randn(20, 6),
                randn(21, 6));
        GradCheck.check("layer_norm plain", v -> v[0].layerNorm(null, null, 1e-5), x);
    }

    @Test
    void indexingAndLosses() {
        Tensor x = randn(22, 4, 5);
        Tensor idx = Tensor.ofLongs(new long[] {0, 4, 4, 1, 2, 3, 0, 0}, 4, 2);
        GradCheck.check("gather", v -> v[0].gather(1, idx), x);
        GradCheck.check("index_select repeats", v -> v[0].indexSelect(1, Tensor.ofLongs(new long[] {3, 0, 3})), x);
        GradCheck.check("index_select dim0", v -> v[0].indexSelect(0, Tensor.ofLongs(new long[] {2, 2})), x);
        Tensor cond = x.gt(0.0);
        GradCheck.check("where", v -> Var.where(cond, v[0], v[1]), x, randn(23, 5));
        Tensor targets = Tensor.ofLongs(new long[] {1, 0, 4, 2});
        GradCheck.check("cross_entropy", v -> v[0].crossEntropy(targets, 0), x);
        GradCheck.check("cross_entropy smoothed", v -> v[0].crossEntropy(targets, 0.1), x);
    }

    @Test
    void gradcheckCatchesAWrongGradient() {
        // a deliberately wrong rule: forward x^2, backward claims 3x
        AssertionError e = assertThrows(
                AssertionError.class,
                () -> GradCheck.check(
                        "wrong",
                        v -> {
                            Tensor x = v[0].data();
                            return Var.record("wrong", x.mul(x), new Var[] {v[0]}, new Var[0], g ->
                                    new Tensor[] {g.mul(x).mul(3.0)});
                        },
                        randn(24, 3)));
        assertTrue(e.getMessage().contains("wrong"), e.getMessage());
    }
}
