package dev.loupe.eval.attributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attribute tables survive JSON; the compute study's table lists every run and probe, and one plot per probe is drawn. */
class ComputeStudyTest {
    private static AttributeTable table(String name, double shape, boolean language) {
        AttributeTable t =
                new AttributeTable(name, List.of(new ProbeResult("linear", "shape", "held-out", shape, 0.2, 100, 50)));
        return language ? t.plus(List.of(new ProbeResult("zero-shot", "shape", "held-out", shape / 2, 0.2, 0, 50))) : t;
    }

    @Test
    void tablesRoundTripAndStudiesSummarise(@TempDir Path tmp) throws IOException {
        AttributeTable clip = table("clip", 0.75, true);
        Path json = tmp.resolve("attributes.json");
        new ObjectMapper().writeValue(json.toFile(), clip.json());
        assertEquals(clip, AttributeTable.read(json));
        Files.writeString(tmp.resolve("bad.json"), "{\"rows\": 3}");
        assertThrows(IOException.class, () -> AttributeTable.read(tmp.resolve("bad.json")));

        List<StudyRun> runs = List.of(
                new StudyRun("dino", "dim 16", 1000, 2e9, 10, table("dino", 0.5, false)),
                new StudyRun("dino", "dim 16", 10000, 2e9, 100, table("dino", 0.6, false)),
                new StudyRun("clip", "dim 16", 1000, 1e9, 10, clip));
        assertEquals(List.of("linear shape held-out", "zero-shot shape held-out"), ComputeStudy.probeKeys(runs));
        String md = ComputeStudy.markdown(runs);
        assertTrue(md.contains("| clip | dim 16 | 1000 | 1.000 | 1.000e+10 | 75.0 | 37.5 |"), md);
        assertTrue(md.contains("| dino | dim 16 | 10000 | 2.000 | 2.000e+11 | 60.0 | - |"), md);
        String headline = ComputeStudy.headline(runs); // HEADLINE's order, only the probes some run has
        assertTrue(
                headline.startsWith("| method | tower | images seen | GFLOPs / step | total FLOPs |"
                        + " linear shape held-out | zero-shot shape held-out |\n"),
                headline);
        String one = ComputeStudy.markdown(runs, List.of("zero-shot shape held-out"));
        assertTrue(one.contains("| clip | dim 16 | 1000 | 1.000 | 1.000e+10 | 37.5 |\n"), one);
        assertTrue(one.contains("| dino | dim 16 | 1000 | 2.000 | 2.000e+10 | - |\n"), one);
        List<Path> plots = ComputeStudy.writePlots(runs, tmp.resolve("plots"));
        assertEquals(
                List.of(
                        tmp.resolve("plots/linear-shape-held-out.png"),
                        tmp.resolve("plots/zero-shot-shape-held-out.png")),
                plots);
        for (Path p : plots) assertNotNull(ImageIO.read(p.toFile()), p + " is not an image");
        assertEquals(200e9, runs.get(1).totalFlops(), 1e-3);
    }
}
