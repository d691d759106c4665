package dev.loupe.tensor.testing;

import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;

/**
 * Comparisons for golden tests, in the spirit of torch.testing: plain {@link AssertionError}s, so
 * any test framework (or none) can use them.
 */
public final class TensorAssert {
    private TensorAssert() {}

    /**
     * max |actual - expected| <= rtol * max |expected|: a bound relative to the tensor's scale, so
     * small elements of a tensor are not judged on their own rounding noise (the golden tests' rule:
     * two float32 implementations summing in different orders). The message names the worst element
     * and both values.
     */
    public static void assertCloseToScale(String what, Tensor expected, Tensor actual, double rtol) {
        if (!Arrays.equals(expected.sizes(), actual.sizes())) {
            throw new AssertionError(
                    what + ": shape " + Shape.format(actual.sizes()) + ", expected " + Shape.format(expected.sizes()));
        }
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double scale = 0, worst = 0;
        int at = -1;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (Double.isNaN(d) || d > worst) {
                worst = d;
                at = i;
                if (Double.isNaN(d)) break; // a NaN difference is the worst; later elements must not replace it
            }
        }
        if (!(worst <= rtol * scale)) {
            throw new AssertionError(
                    what + ": max |diff| " + worst + " at element " + at + " (expected " + (at >= 0 ? e[at] : 0)
                            + ", actual " + (at >= 0 ? a[at] : 0) + ") exceeds " + rtol + " x scale " + scale);
        }
    }
}
