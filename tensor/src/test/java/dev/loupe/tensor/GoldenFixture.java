package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.tensor.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One case folder of golden/tensor/ (inputs and PyTorch's outputs as .npy), written by
 * {@value #SCRIPT}, plus the comparisons the golden tests share. Failure messages name the case
 * and the script, the number of elements off and the worst one.
 */
final class GoldenFixture {
    static final String SCRIPT = "tools/golden/make_tensor_fixtures.py";

    /** float32 unit roundoff, 2^-24: the relative error of one correctly rounded operation. */
    static final double U32 = 0x1.0p-24;

    private final String name;
    private final Path folder;

    private GoldenFixture(String name, Path folder) {
        this.name = name;
        this.folder = folder;
    }

    /** The case folder golden/tensor/{@code name} on the test class path. */
    static GoldenFixture load(String name) {
        URL url = GoldenFixture.class.getResource("/golden/tensor/" + name);
        if (url == null) fail("golden case " + name + " is missing; run /usr/bin/python3 " + SCRIPT);
        try {
            return new GoldenFixture(name, Path.of(url.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The array {@code key}.npy of this case. */
    Tensor get(String key) {
        Path file = folder.resolve(key + ".npy");
        try {
            return Npy.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("golden case " + name + " (made by " + SCRIPT + "): cannot read " + key, e);
        }
    }

    /** Bitwise-equal values (NaN matches NaN; 0 matches -0), same dtype and shape. */
    void assertExact(String key, Tensor actual) {
        assertClose(key, actual, 0, 0);
    }

    /**
     * Same dtype and shape, and for every element |actual - expected| <= atol + rtol * |expected|,
     * NaN only where torch has NaN.
     */
    void assertClose(String key, Tensor actual, double rtol, double atol) {
        Tensor expected = get(key);
        String what = "golden case " + name + "/" + key + " (made by " + SCRIPT + ")";
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(
                expected.sizes(), actual.sizes(), what + ": shape " + expected.shape() + " vs " + actual.shape());
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        int bad = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double allowed = atol + rtol * Math.abs(e[i]);
            double diff = Math.abs(a[i] - e[i]);
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : diff <= allowed;
            if (!ok) {
                bad++;
                double excess =
                        Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / Math.max(allowed, Double.MIN_VALUE);
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + e.length + " elements off (rtol " + rtol + ", atol " + atol
                    + "); worst at "
                    + Arrays.toString(unravel(worst, expected.sizes())) + ": expected " + e[worst] + ", got " + a[worst]
                    + " (|diff| " + Math.abs(a[worst] - e[worst]) + ", allowed " + (atol + rtol * Math.abs(e[worst]))
                    + ")");
        }
    }

    /** Same values as {@code t} in a non-contiguous layout (all dims reversed in memory). */
    static Tensor strided(Tensor t) {
        int r = t.rank();
        if (r < 2) return t;
        int[] reverse = new int[r];
        for (int i = 0; i < r; i++) reverse[i] = r - 1 - i;
        return t.permute(reverse).contiguous().permute(reverse);
    }

    /** Largest |element| of a float tensor. */
    static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toDoubleArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }
}
