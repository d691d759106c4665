package dev.loupe.tensor;

import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * matmul against torch.matmul: 2-D, batched with broadcast batch dims, 1-D operands and transposed
 * views. Fixtures: golden/tensor/matmul/*, made by tools/golden/make_tensor_fixtures.py (function
 * matmul()). All operands are randn.
 */
class GoldenOpsMatmulTest {
    /**
     * A dot product of K randn products has magnitude ~ sqrt(K); summing it in another order (blocked,
     * FMA, OpenBLAS's) changes each rounding by up to U32 times a partial sum, which adds up to about
     * K * U32 ~ sqrt(K) * (sqrt(K) * U32). 1e-6 * sqrt(K) relative and absolute leaves a margin of
     * about 4 at K = 64 and still fails on any wrong or missing term (errors of O(1)).
     */
    private static double tol(int k) {
        return 1e-6 * Math.sqrt(k);
    }

    @Test
    void twoDimensional() {
        check("matmul/2d", 37, Tensor::matmul);
    }

    /** a (2, 1, 5, 17) @ b (3, 17, 6) -> (2, 3, 5, 6). */
    @Test
    void batchedWithBroadcastBatchDims() {
        check("matmul/batched_broadcast", 17, Tensor::matmul);
    }

    /** torch's 1-D rules: the added dim is removed again; vec @ vec is 0-d. */
    @Test
    void oneDimensionalOperands() {
        check("matmul/vec_mat", 17, Tensor::matmul);
        check("matmul/mat_vec", 17, Tensor::matmul);
        check("matmul/vec_vec", 17, Tensor::matmul);
        check("matmul/vec_batched", 17, Tensor::matmul);
    }

    /** at (37, 13) and bt (19, 37) are stored; their transposed views are multiplied without copies. */
    @Test
    void transposedOperandsAsViews() {
        GoldenFixture f = GoldenFixture.load("matmul/transposed");
        f.assertClose("y", f.get("at").mT().matmul(f.get("bt").mT()), tol(37), tol(37));
        f.assertClose(
                "y",
                LinearAlgebra.matmul(f.get("at").transpose(0, 1), f.get("bt").transpose(1, 0)),
                tol(37),
                tol(37));
    }

    /** at (3, 17, 5) stored; at.mT (3, 5, 17) @ b (3, 17, 6). */
    @Test
    void batchedWithATransposedOperand() {
        GoldenFixture f = GoldenFixture.load("matmul/batched_transposed");
        f.assertClose("y", f.get("at").mT().matmul(f.get("b")), tol(17), tol(17));
    }

    /** Strided copies of both operands give the same products as contiguous ones. */
    @Test
    void layoutDoesNotChangeResults() {
        GoldenFixture f = GoldenFixture.load("matmul/2d");
        f.assertClose(
                "y", GoldenFixture.strided(f.get("a")).matmul(GoldenFixture.strided(f.get("b"))), tol(37), tol(37));
    }

    private static void check(String name, int k, BinaryOperator<Tensor> op) {
        GoldenFixture f = GoldenFixture.load(name);
        f.assertClose("y", op.apply(f.get("a"), f.get("b")), tol(k), tol(k));
    }
}
