package dev.loupe.eval.attributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** attributes.md's heading names the benchmark; attributes.json carries the table, the weights and every setting. */
class AttributeReportTest {
    private static final ShapesBenchmark BENCH = new ShapesBenchmark(32, 500, 100, 7);
    private static final ProbeSettings PROBES = new ProbeSettings(0.5, 200, 10, List.of("a {}"));

    @Test
    void headingNamesTheBenchmark() {
        String h = AttributeReport.heading("dino", BENCH);
        assertTrue(
                h.startsWith(
                        "# Attribute probes: dino\n\nCaptioned shapes 32px, seed 7: probes fitted on 500 TRAIN images, tested on 100 images per split"),
                h);
        assertTrue(h.endsWith("Chance: always the commonest test label.\n\n"), h);
    }

    @Test
    void jsonAddsWeightsAndSettings() {
        AttributeTable table =
                new AttributeTable("dino", List.of(new ProbeResult("linear", "shape", "held-out", 0.5, 0.2, 500, 100)));
        Map<String, Object> json = AttributeReport.json(table, "runs/dino/model.safetensors", BENCH, PROBES, "cls");
        assertEquals("dino", json.get("representation"));
        assertEquals(table.json().get("rows"), json.get("rows"));
        assertEquals("runs/dino/model.safetensors", json.get("weights"));
        assertEquals(
                Map.of(
                        "shapes_size", 32,
                        "shapes_train", 500,
                        "shapes_test", 100,
                        "shapes_seed", 7L,
                        "probe_c", 0.5,
                        "probe_iterations", 200,
                        "k", 10,
                        "features", "cls"),
                json.get("settings"));
        assertEquals(
                List.of(
                        "shapes_size",
                        "shapes_train",
                        "shapes_test",
                        "shapes_seed",
                        "probe_c",
                        "probe_iterations",
                        "k",
                        "features"),
                List.copyOf(((Map<?, ?>) json.get("settings")).keySet()),
                "the file's key order is fixed");
    }

    @Test
    void writeCreatesTheFolderAndBothFiles(@TempDir Path tmp) throws Exception {
        AttributeTable table =
                new AttributeTable("raw", List.of(new ProbeResult("knn", "colour", "seen", 0.75, 0.25, 500, 100)));
        Map<String, Object> json = AttributeReport.json(table, "raw", BENCH, PROBES, "cls");
        Path out = tmp.resolve("a/b");
        Path[] written = AttributeReport.write(out, "# heading\n\n", table, json);
        assertEquals(List.of(out.resolve("attributes.json"), out.resolve("attributes.md")), List.of(written));
        assertEquals("# heading\n\n" + table.markdown(), Files.readString(written[1]));
        Map<?, ?> back = new ObjectMapper().readValue(written[0].toFile(), Map.class);
        assertEquals("raw", back.get("weights"));
        assertEquals(List.copyOf(json.keySet()), List.copyOf(back.keySet()), "keys in the object's order");
        assertTrue(Files.readString(written[0]).contains("\n  \""), "indented");
    }
}
