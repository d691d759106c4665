package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CLIP tower of models/ still reads and still composes: its zero-shot shape accuracy on the
 * first 300 held-out-pair test images (96.7%; 95.1% on 1,000 in models/README.md) stays at or above issue 21's
 * 90% bar (chance 17.6%).
 * Fails if the file, its merges, the tokenizer, the preprocessing or the towers' forward change under it.
 */
class PublishedModelsTest {
    private static final Path MODELS = Path.of("..", "models");

    @Test
    void shapesClipStillNamesShapesInColoursItNeverSawThemIn(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("zeroshot");
        assertEquals(
                0,
                TrainClipCommandTest.run(TrainClipCommandTest.zeroshotArgs(
                        MODELS.resolve("shapes-clip-w64.safetensors"),
                        MODELS.resolve("shapes-clip-w64.merges.txt.gz"),
                        "--data",
                        "shapes",
                        "--shapes-size",
                        "64",
                        "--shapes-test",
                        "300",
                        "--templates",
                        "shapes",
                        "--out",
                        out.toString())));
        JsonNode z = new ObjectMapper().readTree(Files.readString(out.resolve("zeroshot.json")));
        assertEquals(300, z.get("count").asInt());
        double top1 = z.get("top1").asDouble();
        assertTrue(top1 >= 0.90, "zero-shot top-1 on 300 held-out-pair images: " + top1);
    }
}
