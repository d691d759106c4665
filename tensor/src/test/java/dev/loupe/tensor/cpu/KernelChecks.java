package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/** Shared inputs and comparisons for the kernel tests. */
final class KernelChecks {
    /** Lengths around the vector width: empty, 1, below it, at it, just past it, odd multiples. */
    static final int[] SIZES = {0, 1, 3, 15, 16, 17, 33, 100};

    private KernelChecks() {}

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    /** Every element: |actual - expected| <= abs + rel |expected|; NaN must match NaN, infinities exactly. */
    static void assertClose(String what, Tensor expected, Tensor actual, double abs, double rel) {
        if (!expected.shape().equals(actual.shape())) {
            fail(what + ": shape " + actual.shape() + " expected " + expected.shape());
        }
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i])
                    ? Double.isNaN(a[i])
                    : Double.isInfinite(e[i]) ? e[i] == a[i] : Math.abs(a[i] - e[i]) <= abs + rel * Math.abs(e[i]);
            if (!ok)
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (abs " + abs + ", rel " + rel
                        + ")");
        }
    }

    /** Bitwise equality of the float values (NaN equals NaN; -0 differs from +0). */
    static void assertSameBits(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        if (e.length != a.length) fail(what + ": " + a.length + " elements, expected " + e.length);
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " bit for bit");
            }
        }
    }

    /** The same values as {@code t} behind a transposed (non-contiguous) layout. */
    static Tensor nonContiguous(Tensor t) {
        if (t.rank() < 2) {
            int n = t.size(0);
            Tensor big = Tensor.empty(t.dtype(), n, 2);
            big.select(1, 0).copyFrom(t);
            return big.select(1, 0);
        }
        int r = t.rank();
        return t.transpose(r - 2, r - 1).contiguous().transpose(r - 2, r - 1);
    }
}
