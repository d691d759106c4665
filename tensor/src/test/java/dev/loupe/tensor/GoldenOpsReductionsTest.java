package dev.loupe.tensor;

import static dev.loupe.tensor.GoldenFixture.U32;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Reductions, softmax / log_softmax and layer norm against PyTorch. Fixtures: golden/tensor/reduce/*,
 * softmax/*, log_softmax/*, layer_norm/*, made by tools/golden/make_tensor_fixtures.py (functions
 * reductions(), softmax() and layer_norm()). x in reduce/* is (3, 4, 5), randn * 2.
 */
class GoldenOpsReductionsTest {
    /**
     * Sums of float32 in another order: each of the K - 1 additions rounds by at most U32 times the
     * partial sum, and the partial sums of randn terms stay within K * max|x| but are typically
     * sqrt(K) * |x|; 2 * K * U32 * max|x| is about twice the typical error and far below the O(1)
     * error of a wrong or missing element. Relative 1e-6 (about 8 ulp) covers the final rounding.
     */
    private static double sumAtol(int k, double maxAbs) {
        return 2 * k * U32 * maxAbs;
    }

    private static final double RTOL = 1e-6;

    @Test
    void sumOverOneSeveralAndAllDims() {
        sum("reduce/sum_d1", 4, x -> x.sum(false, 1));
        sum("reduce/sum_d02_keep", 15, x -> x.sum(true, 0, 2));
        sum("reduce/sum_all", 60, Tensor::sum);
    }

    @Test
    void sumOfAPermutedView() {
        sum("reduce/sum_permuted_d1", 3, x -> x.permute(2, 0, 1).sum(false, 1));
    }

    /** mean = sum / K: the sum's error divided by K. */
    @Test
    void meanOverLastAndSeveralDims() {
        mean("reduce/mean_dlast", 5, x -> x.mean(false, -1));
        mean("reduce/mean_d01_keep", 12, x -> x.mean(true, 0, 1));
    }

    /** max and min pick an element: exact. */
    @Test
    void amaxAndAminAreExact() {
        exact("reduce/amax_d2", x -> x.max(false, 2));
        exact("reduce/amax_d02_keep", x -> x.max(true, 0, 2));
        exact("reduce/amin_d0", x -> x.min(false, 0));
        exact("reduce/amin_d12", x -> x.min(false, 1, 2));
    }

    /** Index of the first maximum (I64), exact; randn inputs have no ties. */
    @Test
    void argmaxIsExact() {
        exact("reduce/argmax_d1", x -> x.argmax(1, false));
        exact("reduce/argmax_d2_keep", x -> x.argmax(2, true));
        exact("reduce/argmax_d0", x -> x.argmax(0, false));
    }

    /**
     * Unbiased variance: a sum of K squared deviations, each at most (2 max|x|)^2, divided by K - 1;
     * the mean's own rounding enters only to second order because the deviations sum to zero.
     */
    @Test
    void unbiasedVariance() {
        var("reduce/var_d1", 4, x -> x.var(1, false, 1));
        var("reduce/var_d02_keep", 15, x -> x.var(1, true, 0, 2));
    }

    /**
     * softmax = exp(x - max) / sum: exp within a few ulp, x - max rounded by U32 * |x - max| (at most
     * 20 here, so 1.2e-6 relative after exp), and a row sum of at most 17 terms (17 * U32 = 1e-6).
     * Relative 1e-5 covers their sum; no absolute slack because every output is a positive normal float.
     * The third row of softmax/last is shifted by +100, where exp(x) overflows float32 unless the
     * row maximum is subtracted first.
     */
    @Test
    void softmaxAlongLastAndLeadingDims() {
        close("softmax/last", x -> x.softmax(-1), 1e-5, 0);
        close("softmax/dim0", x -> x.softmax(0), 1e-5, 0);
        close("softmax/dim1", x -> x.softmax(1), 1e-5, 0);
        close("softmax/dim1", x -> GoldenFixture.strided(x).softmax(1), 1e-5, 0);
    }

    /**
     * log_softmax = x - max - log(sum): absolute errors. Computing x - (max + log sum) is a valid order
     * whose rounding at |max| ~ 110 (the shifted row) is ulp(110) / 2 = 3.8e-6; 1e-5 absolute covers it.
     */
    @Test
    void logSoftmaxAlongLastAndLeadingDims() {
        close("log_softmax/last", x -> x.logSoftmax(-1), 1e-6, 1e-5);
        close("log_softmax/dim0", x -> x.logSoftmax(0), 1e-6, 1e-5);
        close("log_softmax/dim1", x -> x.logSoftmax(1), 1e-6, 1e-5);
    }

    /**
     * layer_norm over D = 48, x = 3 + 2 randn, eps 1e-6. Output magnitudes reach ~10 (|w| * 4 + |b|);
     * the mean and variance sums of 48 terms give relative errors around 48 * U32 = 3e-6, so 1e-5
     * relative and absolute. mean and rstd are compared against a float64 computation (torch does not
     * return them) with the same relative 1e-5.
     */
    @Test
    void layerNormWithAffineAndStatistics() {
        GoldenFixture f = GoldenFixture.load("layer_norm/affine");
        Tensor x = f.get("x"), w = f.get("weight"), b = f.get("bias");
        Normalization.LayerNormResult r = Normalization.layerNorm(x, w, b, 1e-6);
        f.assertClose("y", r.out(), 1e-5, 1e-5);
        f.assertClose("mean", r.mean(), 1e-5, 0);
        f.assertClose("rstd", r.rstd(), 1e-5, 0);
        f.assertClose("y", x.layerNorm(w, b, 1e-6), 1e-5, 1e-5);
        f.assertClose(
                "y",
                Normalization.layerNorm(GoldenFixture.strided(x), w, b, 1e-6).out(),
                1e-5,
                1e-5);
    }

    private static void sum(String name, int k, UnaryOperator<Tensor> op) {
        GoldenFixture f = GoldenFixture.load(name);
        Tensor x = f.get("x");
        f.assertClose("y", op.apply(x), RTOL, sumAtol(k, GoldenFixture.maxAbs(x)));
    }

    private static void mean(String name, int k, UnaryOperator<Tensor> op) {
        GoldenFixture f = GoldenFixture.load(name);
        Tensor x = f.get("x");
        f.assertClose("y", op.apply(x), RTOL, sumAtol(k, GoldenFixture.maxAbs(x)) / k);
    }

    private static void var(String name, int k, UnaryOperator<Tensor> op) {
        GoldenFixture f = GoldenFixture.load(name);
        Tensor x = f.get("x");
        double dev = 2 * GoldenFixture.maxAbs(x);
        f.assertClose("y", op.apply(x), RTOL, sumAtol(k, dev * dev) / (k - 1));
    }

    private static void exact(String name, UnaryOperator<Tensor> op) {
        GoldenFixture f = GoldenFixture.load(name);
        f.assertExact("y", op.apply(f.get("x")));
    }

    private static void close(String name, UnaryOperator<Tensor> op, double rtol, double atol) {
        GoldenFixture f = GoldenFixture.load(name);
        f.assertClose("y", op.apply(f.get("x")), rtol, atol);
    }
}
