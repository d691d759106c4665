package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxKernelTest {
    private static Tensor softmax(Tensor x, int dim, boolean log, boolean scalar) {
        Tensor out = Tensor.empty(x.dtype(), x.sizes());
        CpuSoftmax.softmax(x, dim, log, out, scalar);
        return out;
    }

    // Vector and twin differ in the exp (a few ulp) and in the order of the row sum (n terms, each
    // at most 1 after the shift): relative 2e-6 on probabilities, absolute 2e-6 on log-probabilities
    // whose size is up to log n + the spread of the row.
    @Test
    void vectorMatchesScalarTwin() {
        long seed = 21;
        for (int n : SIZES) {
            for (int[] shape : new int[][] {{n}, {5, n}, {3, 2, n}}) {
                Tensor x = randn(seed++, shape).mul(4.0);
                for (Tensor in : new Tensor[] {x, shape.length > 1 ? nonContiguous(x) : x}) {
                    for (int dim = 0; dim < shape.length; dim++) {
                        String what = in.shape() + " dim " + dim + (in.isContiguous() ? "" : " (strided)");
                        assertClose(
                                "softmax " + what,
                                softmax(in, dim, false, true),
                                softmax(in, dim, false, false),
                                1e-9,
                                2e-6);
                        assertClose(
                                "log_softmax " + what,
                                softmax(in, dim, true, true),
                                softmax(in, dim, true, false),
                                2e-6,
                                1e-6);
                    }
                }
            }
        }
    }

    @Test
    void rowsSumToOneAndMatchDoubleReference() {
        Tensor x = randn(4, 6, 50).mul(5.0);
        for (int dim = 0; dim < 2; dim++) {
            Tensor p = x.softmax(dim);
            double[] sums = p.to(DType.F64).sum(false, dim).toDoubleArray();
            for (double s : sums) assertEquals(1.0, s, 1e-5, "dim " + dim);
            Tensor ref = x.to(DType.F64).softmax(dim);
            assertClose("softmax vs F64 dim " + dim, ref, p, 1e-9, 3e-6);
            assertClose(
                    "log_softmax vs F64 dim " + dim, x.to(DType.F64).logSoftmax(dim), x.logSoftmax(dim), 3e-6, 1e-6);
        }
    }

    @Test
    void knownValuesAndStability() {
        // torch.softmax(torch.tensor([1., 2., 3.], dtype=torch.float64), 0)
        double[] p = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
        assertClose(
                "softmax [1,2,3]",
                Tensor.of(p),
                Tensor.of(new float[] {1, 2, 3}).softmax(0),
                1e-8,
                1e-6);
        assertClose(
                "shifted by 1000",
                Tensor.of(p),
                Tensor.of(new float[] {1001, 1002, 1003}).softmax(-1),
                1e-8,
                1e-6);
        Tensor ls = Tensor.of(new float[] {-1000, 0}).logSoftmax(0);
        assertEquals(-1000.0, ls.getDouble(0), 1e-3);
        assertEquals(0.0, ls.getDouble(1), 1e-6);
        assertTrue(Float.isNaN(
                (float) Tensor.of(new float[] {1, Float.NaN}).softmax(0).getDouble(0)));
        assertEquals(1.0, Tensor.scalar(3f).softmax(0).item(), 0);
    }
}
