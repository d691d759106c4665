package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loupe train slip} on 64 shapes images of 16 px with tiny towers: three views per image
 * (the step records carry both losses), the SimCLR head saved under image_mlp.*, and a resume from
 * the step-2 checkpoint reaching the straight run's model.safetensors byte for byte.
 */
class TrainSlipCommandTest {
    @Test
    void trainsAndResumesExactly(@TempDir Path tmp) throws IOException {
        TrainClipCommandTest.assertResumeExact(
                "slip", tmp, List.of("--mlp-hidden", "16", "--mlp-out", "8", "--ssl-scale", "0.5"));
        Path run = tmp.resolve("runs/straight");
        JsonNode settings =
                new ObjectMapper().readTree(run.resolve("config.json").toFile()).path("settings");
        assertEquals("slip", settings.path("method").asText());
        assertEquals(0.5, settings.path("ssl_scale").asDouble());
        JsonNode step = TrainClipCommandTest.lines(run.resolve("metrics.jsonl")).getFirst();
        assertTrue(step.has("ssl_loss") && step.has("clip_loss"), step.toString());
        assertTrue(Double.isFinite(step.get("ssl_loss").asDouble()));
        var state = SafeTensors.read(run.resolve("model.safetensors"));
        assertTrue(
                state.keySet().stream().anyMatch(k -> k.startsWith("image_mlp.")),
                "SLIP head missing: " + state.keySet());
        assertTrue(state.containsKey("visual.proj") && state.containsKey("text_projection"));
    }
}
