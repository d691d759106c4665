package dev.loupe.nn;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;

/**
 * The layer fixture made by tools/golden/make_layers_fixture.py (Debian python3-torch 1.13); tests
 * compare against it with TensorAssert.assertCloseToScale (max |loupe - torch| <= rtol * max |torch|).
 */
final class LayersGolden {
    private static Map<String, Tensor> fixture;

    private LayersGolden() {}

    static synchronized Tensor get(String name) {
        if (fixture == null) {
            try {
                fixture = SafeTensors.read(Path.of(LayersGolden.class
                        .getResource("/golden/layers.safetensors")
                        .toURI()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read golden/layers.safetensors", e);
            }
        }
        Tensor t = fixture.get(name);
        if (t == null) throw new IllegalArgumentException("layers fixture has no '" + name + "'");
        return t;
    }
}
