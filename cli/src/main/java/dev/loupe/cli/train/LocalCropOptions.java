package dev.loupe.cli.train;

import dev.loupe.data.transform.RecipeConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Multi-crop for SimCLR (SwAV's multi-crop): N extra small views per image, each contrasted with both
 * full-size views. None unless asked, so the default stays SimCLR's two views.
 */
public final class LocalCropOptions {
    @Option(
            names = "--local-crops",
            defaultValue = "0",
            description =
                    "Small views per image beside the two full ones, each contrasted with both (default ${DEFAULT-VALUE}).")
    int localCrops;

    @Option(
            names = "--local-size",
            description =
                    "Side of the local views (default: round(side x 96 / 224) rounded to the patch, 12 for 28 px and patch 4).")
    Integer localSize;

    @Option(
            names = "--local-scale",
            split = ",",
            paramLabel = "MIN,MAX",
            description = "Area fraction range of the local views' crops (default: DINO's 0.05,0.4).")
    double[] localScale;

    /** config with the local views set (count, side, area range); records them in a run's settings when there are any. */
    public RecipeConfig apply(RecipeConfig config, int imageSize, int patch, Map<String, Object> settings) {
        if (localCrops < 0) throw new IllegalArgumentException("--local-crops must be >= 0, got " + localCrops);
        int side = localSize != null ? localSize : MultiCropOptions.localSide(imageSize, patch);
        double[] range = localScale != null ? localScale : new double[] {0.05, 0.4};
        SslTraining.range(range, "--local-scale");
        RecipeConfig out = config.withLocal(side, localCrops).withLocalScale(range[0], range[1]);
        if (localCrops > 0) {
            settings.put("local_crops", localCrops);
            settings.put("local_size", side);
            settings.put("local_scale", range[0] + "," + range[1]);
        }
        return out;
    }
}
