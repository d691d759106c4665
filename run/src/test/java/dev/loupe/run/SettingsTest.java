package dev.loupe.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.TrainerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Settings}: records to one flat snake_case object in config.json and back. */
class SettingsTest {
    @Test
    void recordsWriteFlatAndReadBack(@TempDir Path tmp) throws Exception {
        ViTConfig vit = ViTConfig.builder(28, 4, 1, 16, 2, 2)
                .patchKernel(8)
                .meanPool(true)
                .numClasses(10)
                .dropPath(0.1, false)
                .build();
        TrainerConfig trainer = TrainerConfig.builder()
                .epochs(3)
                .lr(2e-3)
                .clip(GradClipMode.GLOBAL_NORM, 3.0)
                .checkpointEvery(50)
                .seed(7)
                .build();
        Map<String, Object> settings = Settings.of(Map.of("method", "supervised"), vit, trainer, Map.of("batch", 64));
        assertEquals("supervised", settings.get("method"));
        assertEquals("mean", settings.get("pool"));
        assertEquals(0.1, settings.get("drop_path"));
        assertEquals(8, settings.get("patch_kernel"));
        assertEquals("GLOBAL_NORM", settings.get("clip"));
        assertEquals(0.002, settings.get("lr"));
        for (String runtime : List.of("checkpoint_every", "keep_checkpoints", "eval_every"))
            assertFalse(settings.containsKey(runtime), runtime);

        RunDirectory dir = new RunDirectory(tmp);
        dir.writeConfig(settings, Map.of("threads", 1));
        assertEquals(vit, Settings.read(dir.config(), ViTConfig.class));
        String text = java.nio.file.Files.readString(dir.config());
        assertTrue(text.indexOf("\"settings\"") < text.indexOf("\"runtime\""), "settings first, every run: " + text);
    }

    /** A run's settings name the conv stem only when it has one, so runs written before it existed still resume. */
    @Test
    void theConvStemIsNamedOnlyWhenPresent(@TempDir Path tmp) {
        ViTConfig plain = ViTConfig.of(28, 4, 1, 16, 2, 2, 0);
        assertFalse(Settings.of(plain).containsKey("conv_stem"));
        ViTConfig stem = plain.withConvStem(true);
        Map<String, Object> settings = Settings.of(stem);
        assertEquals(true, settings.get("conv_stem"));
        RunDirectory dir = new RunDirectory(tmp);
        dir.writeConfig(settings, Map.of());
        assertEquals(stem, Settings.read(dir.config(), ViTConfig.class));
    }
}
