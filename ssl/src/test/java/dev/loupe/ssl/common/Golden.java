package dev.loupe.ssl.common;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the fixtures that tools/golden/make_ssl_fixtures.py writes (torch 1.13, float32). */
public final class Golden {
    /**
     * The golden tolerance: max |loupe - torch| <= 1e-5 * max |torch| per tensor. Both sides compute
     * in float32 and sum in different orders, a few ulps per op, far below this bound.
     */
    public static final double RTOL = 1e-5;

    private Golden() {}

    public static Map<String, Tensor> load(String name) {
        try {
            return SafeTensors.read(
                    Path.of(Golden.class.getResource("/golden/" + name).toURI()));
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read golden fixture " + name + " (run tools/golden/make_ssl_fixtures.py)", e);
        }
    }

    /** The entries whose names start with {@code prefix}, with the prefix removed. */
    public static Map<String, Tensor> withPrefix(Map<String, Tensor> fixture, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        fixture.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}
