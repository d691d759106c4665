package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The two SimCLR-augmented views of VICReg and BYOL: colour-jitter strength, blur range and crop scale,
 * recorded in a run's settings as color_strength, blur_sigma and crop_scale.
 */
public final class SimClrViewOptions {
    @Mixin
    BlurOptions blur;

    @Mixin
    ViewCropOptions crop;

    @Option(
            names = "--color-strength",
            defaultValue = "0.5",
            description = "SimCLR colour-jitter strength s (default ${DEFAULT-VALUE}).")
    double colorStrength;

    /** The augmentation settings for data's images; records the views in {@code settings}. */
    public RecipeConfig recipe(LabelledData data, Map<String, Object> settings) {
        settings.put("color_strength", colorStrength);
        RecipeConfig recipe = crop.apply(blur.apply(
                RecipeConfig.of(data.imageSize(), data.mean(), data.std()).withSimclrStrength(colorStrength)));
        BlurOptions.record(settings, recipe);
        ViewCropOptions.record(settings, recipe);
        return recipe;
    }
}
