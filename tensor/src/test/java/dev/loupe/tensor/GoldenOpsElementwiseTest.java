package dev.loupe.tensor;

import java.util.Locale;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Unary and binary elementwise ops against PyTorch. Fixtures: golden/tensor/unary/*, binary/*, made
 * by tools/golden/make_tensor_fixtures.py (functions unary() and binary()).
 */
class GoldenOpsElementwiseTest {
    /**
     * torch's float32 transcendentals (SLEEF, about 1 ulp) and Loupe's (double then rounded, or a
     * vector polynomial of a few ulp) each sit within a few ulp of the true value; 1e-6 relative is
     * about 8 ulp. The absolute floor covers results near zero (sin near its roots, the tails of
     * gelu, silu and quick_gelu) where torch rounds intermediates such as 1.702 x in float32 and the
     * relative error of a tiny result grows without bound while its absolute error stays near
     * float32 rounding of O(1) intermediates (about 1e-7).
     */
    private static final double UNARY_RTOL = 1e-6, UNARY_ATOL = 1e-6;

    /** pow is a transcendental too (exp(b log a) within a few ulp on both sides). */
    private static final double POW_RTOL = 1e-6, POW_ATOL = 1e-6;

    /** Every UnaryOp token has a fixture folder named after it; a new token without one fails here. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesTorch(UnaryOp op) {
        GoldenFixture f = GoldenFixture.load("unary/" + op.name().toLowerCase(Locale.ROOT));
        Tensor x = f.get("x");
        f.assertClose("y", x.apply(op), UNARY_RTOL, UNARY_ATOL);
        // The same values in a transposed layout must give the same results.
        f.assertClose("y", GoldenFixture.strided(x).apply(op), UNARY_RTOL, UNARY_ATOL);
    }

    /**
     * IEEE 754 rounds +, -, *, / correctly and max / min / comparisons are exact, so Loupe and torch
     * must agree bit for bit (NaN propagation of maximum / minimum included).
     */
    @ParameterizedTest
    @EnumSource(
            value = BinaryOp.class,
            names = {"ADD", "SUB", "MUL", "DIV", "MAX", "MIN", "EQ", "NE", "LT", "LE", "GT", "GE"})
    void exactBinaryOpsBroadcastLikeTorch(BinaryOp op) {
        GoldenFixture f = GoldenFixture.load("binary/" + torchName(op));
        Tensor a = f.get("a"), b = f.get("b");
        f.assertExact("y", Elementwise.binary(op, a, b));
        f.assertExact("y", Elementwise.binary(op, GoldenFixture.strided(a), GoldenFixture.strided(b)));
    }

    @Test
    void tensorMethodsMatchTheirTokens() {
        check("add", Tensor::add);
        check("sub", Tensor::sub);
        check("mul", Tensor::mul);
        check("div", Tensor::div);
        check("maximum", Tensor::maximum);
        check("minimum", Tensor::minimum);
        check("eq", Tensor::eq);
        check("ne", Tensor::ne);
        check("lt", Tensor::lt);
        check("le", Tensor::le);
        check("gt", Tensor::gt);
        check("ge", Tensor::ge);
    }

    @Test
    void powBroadcastsLikeTorch() {
        GoldenFixture f = GoldenFixture.load("binary/pow");
        f.assertClose("y", f.get("a").pow(f.get("b")), POW_RTOL, POW_ATOL);
    }

    /** where copies one of its operands per element: exact. */
    @Test
    void whereBroadcastsAllThreeOperands() {
        GoldenFixture f = GoldenFixture.load("binary/where");
        f.assertExact("y", Tensor.where(f.get("cond"), f.get("a"), f.get("b")));
        f.assertExact(
                "y", Tensor.where(f.get("cond"), GoldenFixture.strided(f.get("a")), GoldenFixture.strided(f.get("b"))));
    }

    /** at is stored (5, 4); the op reads its transposed view (4, 5) broadcast against a (3, 1, 5). */
    @Test
    void addReadsATransposedView() {
        GoldenFixture f = GoldenFixture.load("binary/add_transposed");
        f.assertExact("y", f.get("at").mT().add(f.get("b")));
    }

    private static void check(String name, BinaryOperator<Tensor> method) {
        GoldenFixture f = GoldenFixture.load("binary/" + name);
        f.assertExact("y", method.apply(f.get("a"), f.get("b")));
    }

    private static String torchName(BinaryOp op) {
        return switch (op) {
            case MAX -> "maximum";
            case MIN -> "minimum";
            default -> op.name().toLowerCase(Locale.ROOT);
        };
    }
}
