package dev.loupe.eval.attributes;

import java.util.Locale;
import java.util.Map;

/**
 * What {@code loupe eval attributes} writes beside the table: the heading of attributes.md (the
 * benchmark's size, seed and splits) and the object of attributes.json (the table, the weights and the
 * probe settings).
 */
public final class AttributeReport {
    private AttributeReport() {}

    /** The markdown heading of {@code label}'s table: image side, seed, training and test images, chance. */
    public static String heading(String label, ShapesBenchmark bench) {
        return String.format(
                Locale.ROOT,
                "# Attribute probes: %s%n%nCaptioned shapes %dpx, seed %d: probes fitted on %d TRAIN images, "
                        + "tested on %d images per split (seen: one object, seen pairs; held-out: one object, held-out pairs; binding: two objects; "
                        + "mixed: seen and binding). Chance: always the commonest test label.%n%n",
                label,
                bench.imageSize(),
                bench.seed(),
                bench.trainCount(),
                bench.testCount());
    }

    /**
     * The table's {@link AttributeTable#json()} with "weights" and "settings" (shapes_size, shapes_train,
     * shapes_test, shapes_seed, probe_c, probe_iterations, k, features) added.
     *
     * @param features what was probed: the backbone's feature choice, or the CLIP image embedding
     */
    public static Map<String, Object> json(
            AttributeTable table, String weights, ShapesBenchmark bench, ProbeSettings probes, String features) {
        Map<String, Object> json = table.json();
        json.put("weights", weights);
        json.put(
                "settings",
                Map.of(
                        "shapes_size",
                        bench.imageSize(),
                        "shapes_train",
                        bench.trainCount(),
                        "shapes_test",
                        bench.testCount(),
                        "shapes_seed",
                        bench.seed(),
                        "probe_c",
                        probes.c(),
                        "probe_iterations",
                        probes.maxIterations(),
                        "k",
                        probes.k(),
                        "features",
                        features));
        return json;
    }
}
