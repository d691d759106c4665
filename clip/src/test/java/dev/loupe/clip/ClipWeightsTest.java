package dev.loupe.clip;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.clip.slip.SlipModel;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClipWeights}: every size of both towers inferred from the open_clip-named shapes, heads
 * read from the metadata (or width / 64 without it), SLIP's head dropped, and clear errors for
 * incomplete checkpoints.
 */
class ClipWeightsTest {
    private static final ClipConfig CONFIG =
            new ClipConfig(new ClipVisionConfig(24, 6, 24, 3, 3, 10), new TextConfig(530, 12, 16, 2, 4, 10));

    @Test
    void roundTripInfersTheConfiguration(@TempDir Path tmp) throws IOException {
        SlipModel slip = new SlipModel(CONFIG, 8, 4, new Rng(5));
        Path file = tmp.resolve("m.safetensors");
        ClipWeights.write(file, slip);
        ClipModel back = ClipWeights.read(file, null, null);
        assertEquals(CONFIG, back.config());
        Map<String, Tensor> original = slip.stateDict(), loaded = back.stateDict();
        for (Map.Entry<String, Tensor> e : loaded.entrySet()) {
            assertArrayEquals(
                    original.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), e.getKey());
        }
        assertTrue(original.keySet().stream().anyMatch(k -> k.startsWith("image_mlp.")));
        ClipConfig overridden = ClipWeights.read(file, 2, 8).config();
        assertEquals(2, overridden.vision().heads(), "given heads override the metadata");
        assertEquals(8, overridden.text().heads(), "given heads override the metadata");
    }

    @Test
    void headsDefaultToWidthOver64WithoutMetadata(@TempDir Path tmp) throws IOException {
        ClipConfig wide = new ClipConfig(new ClipVisionConfig(8, 4, 128, 1, 2, 8), new TextConfig(520, 4, 64, 1, 1, 8));
        Path file = tmp.resolve("plain.safetensors");
        SafeTensors.write(file, new ClipModel(wide, new Rng(1)).stateDict());
        ClipConfig inferred = ClipWeights.read(file, null, null).config();
        assertEquals(2, inferred.vision().heads());
        assertEquals(1, inferred.text().heads());

        Path narrow = tmp.resolve("narrow.safetensors");
        SafeTensors.write(narrow, new ClipModel(CONFIG, new Rng(1)).stateDict());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ClipWeights.read(narrow, null, null));
        assertTrue(e.getMessage().contains("--vision-heads"), e.getMessage());
        assertEquals(CONFIG, ClipWeights.read(narrow, 3, 4).config());
    }

    @Test
    void incompleteCheckpointsAreNamed() {
        Map<String, Tensor> state = new LinkedHashMap<>(new ClipModel(CONFIG, new Rng(2)).stateDict());
        state.remove("visual.proj");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ClipWeights.infer("x", state, 3, 4));
        assertTrue(e.getMessage().contains("visual.proj"), e.getMessage());

        Map<String, Tensor> gap = new LinkedHashMap<>(new ClipModel(CONFIG, new Rng(2)).stateDict());
        gap.keySet().removeIf(k -> k.startsWith("transformer.resblocks.0."));
        e = assertThrows(IllegalArgumentException.class, () -> ClipWeights.infer("x", gap, 3, 4));
        assertTrue(e.getMessage().contains("[1]"), e.getMessage());
        assertEquals(
                CONFIG.vision(),
                ClipWeights.infer("x", new ClipModel(CONFIG, new Rng(2)).stateDict(), 3, 4)
                        .vision());
    }
}
