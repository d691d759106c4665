package dev.loupe.nn;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer fixture made by tools/golden/make_layers_fixture.py (Debian python3-torch 1.13), and a
 * comparison relative to each tensor's scale: max |loupe - torch| <= rtol * max |torch|, so small
 * elements of a tensor are not judged on their own float32 rounding noise.
 */
final class LayersGolden {
    private static Map<String, Tensor> fixture;

    private LayersGolden() {}

    static synchronized Tensor get(String name) {
        if (fixture == null) {
            try {
                fixture = SafeTensors.read(Path.of(LayersGolden.class.getResource("/golden/layers.safetensors").toURI()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read golden/layers.safetensors", e);
            }
        }
        Tensor t = fixture.get(name);
        if (t == null) throw new IllegalArgumentException("layers fixture has no '" + name + "'");
        return t;
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        assertArrayEquals(expected.sizes(), actual.sizes(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double scale = 0, worst = 0;
        int at = -1;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= rtol * scale, what + ": max |diff| " + worst + " at element " + at + " (torch " + (at >= 0 ? e[at] : 0)
                + ", loupe " + (at >= 0 ? a[at] : 0) + ") exceeds " + rtol + " x scale " + scale);
    }
}
