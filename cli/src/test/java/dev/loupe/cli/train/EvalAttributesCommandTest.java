package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loupe eval attributes} on raw pixels, a random ViT and a tiny CLIP run: the table's files and
 * rows (the language probes only with a text tower); a CLIP file without merges is refused.
 */
class EvalAttributesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SMALL = List.of(
            "--shapes-size",
            "16",
            "--shapes-train",
            "120",
            "--shapes-test",
            "40",
            "--probe-iterations",
            "50",
            "--k",
            "5",
            "--threads",
            "1",
            "--batch",
            "64");

    private static JsonNode attributes(Path tmp, String name, List<String> args) throws IOException {
        Path out = tmp.resolve(name);
        List<String> a = new ArrayList<>(List.of("eval", "attributes", "--out", out.toString()));
        a.addAll(SMALL);
        a.addAll(args);
        assertEquals(0, TrainClipCommandTest.run(a));
        assertTrue(Files.readString(out.resolve("attributes.md")).contains("| linear | shape | held-out |"));
        return JSON.readTree(out.resolve("attributes.json").toFile());
    }

    private static Set<String> methods(JsonNode json) {
        Set<String> out = new HashSet<>();
        for (JsonNode row : json.get("rows")) {
            out.add(row.get("method").asText());
            double accuracy = row.get("accuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, row.toString());
        }
        return out;
    }

    @Test
    void probesPixelsRandomVitAndClip(@TempDir Path tmp) throws IOException {
        JsonNode raw = attributes(tmp, "raw", List.of("--weights", "raw"));
        assertEquals(Set.of("linear", "knn"), methods(raw));
        assertEquals("raw pixels", raw.get("representation").asText());

        JsonNode random = attributes(
                tmp,
                "random",
                List.of("--weights", "random", "--model", "tiny", "--dim", "16", "--depth", "1", "--heads", "2"));
        assertEquals(raw.get("rows").size(), random.get("rows").size());

        Path run = tmp.resolve("clip");
        assertEquals(0, TrainClipCommandTest.run(TrainClipCommandTest.tinyArgs("clip", run)));
        JsonNode clip = attributes(
                tmp,
                "clip-attributes",
                List.of(
                        "--weights",
                        run.resolve("model.safetensors").toString(),
                        "--merges",
                        run.resolve("merges.txt.gz").toString()));
        assertEquals(
                Set.of("linear", "knn", "zero-shot", "retrieval i->t", "retrieval t->i", "caption binding"),
                methods(clip));

        Path runs = tmp.resolve("runs.tsv");
        Files.writeString(
                runs,
                "# method\tattributes.json\tdim\tdepth\tpatch\tsize\tviews\tbatch\tsteps\n"
                        + "pixels\traw/attributes.json\t16\t1\t4\t16\t1\t16\t2\n" // relative: beside runs.tsv
                        + "clip\t" + tmp.resolve("clip-attributes/attributes.json") + "\t16\t1\t4\t16\t1\t16\t6\n");
        assertEquals(
                0,
                TrainClipCommandTest.run(List.of(
                        "eval",
                        "attributes-study",
                        "--runs",
                        runs.toString(),
                        "--out",
                        tmp.resolve("study").toString())));
        String study = Files.readString(tmp.resolve("study/study.md"));
        assertTrue(
                study.contains("| clip | dim 16 depth 1 patch 4 | 96 |")
                        && study.contains("| pixels | dim 16 depth 1 patch 4 | 32 |"),
                study);
        assertTrue(Files.isRegularFile(tmp.resolve("study/plots/zero-shot-shape-held-out.png")));
        Files.writeString(runs, "clip\tonly-two-fields\n");
        assertNotEquals(
                0,
                TrainClipCommandTest.run(List.of(
                        "eval",
                        "attributes-study",
                        "--runs",
                        runs.toString(),
                        "--out",
                        tmp.resolve("study").toString())));

        List<String> noMerges = new ArrayList<>(List.of(
                "eval",
                "attributes",
                "--out",
                tmp.resolve("bad").toString(),
                "--weights",
                run.resolve("model.safetensors").toString()));
        noMerges.addAll(SMALL);
        assertNotEquals(0, TrainClipCommandTest.run(noMerges), "CLIP weights read as a ViT backbone must be refused");
    }
}
