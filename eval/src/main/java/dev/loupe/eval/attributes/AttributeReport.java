package dev.loupe.eval.attributes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.tensor.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code loupe eval attributes} writes beside the table: the heading of attributes.md (the
 * benchmark's size, seed and splits) and the object of attributes.json (the table, the weights and the
 * probe settings), and both files.
 */
public final class AttributeReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AttributeReport() {}

    /**
     * Writes out/attributes.json ({@code json}, indented) and out/attributes.md ({@code heading} then the
     * table), each atomically, creating out; returns the two paths.
     */
    public static Path[] write(Path out, String heading, AttributeTable table, Map<String, Object> json)
            throws IOException {
        Files.createDirectories(out);
        Path jsonFile = out.resolve("attributes.json"), mdFile = out.resolve("attributes.md");
        AtomicFile.write(jsonFile, JSON.writeValueAsBytes(json));
        AtomicFile.write(mdFile, (heading + table.markdown()).getBytes(StandardCharsets.UTF_8));
        return new Path[] {jsonFile, mdFile};
    }

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
        Map<String, Object> settings = new LinkedHashMap<>(); // written in this order
        settings.put("shapes_size", bench.imageSize());
        settings.put("shapes_train", bench.trainCount());
        settings.put("shapes_test", bench.testCount());
        settings.put("shapes_seed", bench.seed());
        settings.put("probe_c", probes.c());
        settings.put("probe_iterations", probes.maxIterations());
        settings.put("k", probes.k());
        settings.put("features", features);
        json.put("settings", settings);
        return json;
    }
}
