package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link MultiCropOptions}: the local side from the image side and patch, each method's default area
 * ranges (DINO's depending on whether there are local crops), given ranges winning over them, the
 * settings recorded for config.json, and the errors for an inverted range and a single value.
 */
class MultiCropOptionsTest {
    private static final LabelledData SHAPES = CommandLine.populateCommand(
                    new DataOptions(),
                    "--data",
                    "shapes",
                    "--shapes-train",
                    "8",
                    "--shapes-test",
                    "4",
                    "--shapes-size",
                    "28")
            .load();

    private static MultiCropOptions parse(String... args) {
        return CommandLine.populateCommand(new MultiCropOptions(), args);
    }

    private static BlurOptions noBlurOption() {
        return CommandLine.populateCommand(new BlurOptions());
    }

    @Test
    void localSideIsTheReferenceRatioRoundedToThePatch() {
        assertEquals(12, MultiCropOptions.localSide(28, 4));
        assertEquals(14, MultiCropOptions.localSide(28, 7));
        assertEquals(96, MultiCropOptions.localSide(224, 16));
        assertEquals(8, MultiCropOptions.localSide(8, 8), "at least one patch");
    }

    @Test
    void methodDefaultsAndTheRecordedSettings() {
        Map<String, Object> m = new LinkedHashMap<>();
        RecipeConfig dino = parse().recipe(SHAPES, 4, parse().dinoScales(), noBlurOption(), m);
        assertEquals(
                List.of("local_crops", "local_size", "global_scale", "local_scale", "blur_sigma"),
                List.copyOf(m.keySet()));
        assertEquals(6, m.get("local_crops"));
        assertEquals(12, m.get("local_size"));
        assertEquals("0.4,1.0", m.get("global_scale"));
        assertEquals("0.05,0.4", m.get("local_scale"));
        assertEquals(12, dino.localSize());

        Map<String, Object> noLocal = new LinkedHashMap<>();
        MultiCropOptions zero = parse("--local-crops", "0");
        zero.recipe(SHAPES, 4, zero.dinoScales(), noBlurOption(), noLocal);
        assertEquals("0.14,1.0", noLocal.get("global_scale"), "main_dino.py's range without local crops");

        Map<String, Object> v2 = new LinkedHashMap<>();
        parse().recipe(SHAPES, 4, MultiCropOptions.dinov2Scales(), noBlurOption(), v2);
        assertEquals("0.32,1.0", v2.get("global_scale"));
        assertEquals("0.05,0.32", v2.get("local_scale"));
    }

    @Test
    void givenRangesWinAndInvertedOnesAreRefused() {
        Map<String, Object> m = new LinkedHashMap<>();
        MultiCropOptions given = parse("--global-scale", "0.5,1", "--local-scale", "0.1,0.3", "--local-size", "16");
        given.recipe(SHAPES, 4, given.dinoScales(), noBlurOption(), m);
        assertEquals("0.5,1.0", m.get("global_scale"));
        assertEquals("0.1,0.3", m.get("local_scale"));
        assertEquals(16, m.get("local_size"));
        MultiCropOptions inverted = parse("--global-scale", "1,0.5");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> inverted.recipe(SHAPES, 4, inverted.dinoScales(), noBlurOption(), new LinkedHashMap<>()));
        assertTrue(
                e.getMessage().contains("global crop scale") && e.getMessage().contains("(1.0, 0.5)"), e.getMessage());
        MultiCropOptions single = parse("--local-scale", "0.3");
        IllegalArgumentException one = assertThrows(
                IllegalArgumentException.class,
                () -> single.recipe(SHAPES, 4, single.dinoScales(), noBlurOption(), new LinkedHashMap<>()));
        assertTrue(one.getMessage().contains("--local-scale"), one.getMessage());
    }
}
