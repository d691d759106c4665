package dev.loupe.cli.train;

import dev.loupe.data.transform.RecipeConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/** The RandomResizedCrop scale of the two-view methods (SimCLR, VICReg, BYOL, SLIP's SSL views). */
public final class ViewCropOptions {
    @Option(
            names = "--crop-scale",
            split = ",",
            paramLabel = "MIN,MAX",
            description = "Area fraction range of each view's RandomResizedCrop (default: SimCLR's 0.08,1.0).")
    double[] cropScale;

    /** config with the chosen range (SimCLR's (0.08, 1) when none was given). */
    public RecipeConfig apply(RecipeConfig config) {
        if (cropScale == null) return config;
        SslTraining.range(cropScale, "--crop-scale");
        return config.withViewScale(cropScale[0], cropScale[1]);
    }

    /** Records the range in use under "crop_scale" in a run's settings. */
    public static void record(Map<String, Object> settings, RecipeConfig config) {
        double[] s = config.viewScale();
        settings.put("crop_scale", s[0] + "," + s[1]);
    }
}
