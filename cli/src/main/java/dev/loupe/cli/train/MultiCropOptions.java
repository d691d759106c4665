package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The multi-crop views of DINO and DINOv2: two global crops of the full side and N local crops of a
 * smaller side, each with its range of crop areas. The area ranges default to the method's own.
 */
public final class MultiCropOptions {
    @Option(
            names = "--local-crops",
            defaultValue = "6",
            description = "Local crops per image (paper 8 at 96/224; default ${DEFAULT-VALUE}).")
    int localCrops;

    @Option(
            names = "--local-size",
            description =
                    "Side of the local crops, a multiple of the patch (default: round(side x 96 / 224) rounded to the patch, 12 for 28 px and patch 4).")
    Integer localSize;

    @Option(
            names = "--global-scale",
            split = ",",
            paramLabel = "MIN,MAX",
            description =
                    "Area range of the global crops (dino: 0.4,1.0, or 0.14,1.0 with --local-crops 0 as main_dino.py advises; dinov2: 0.32,1.0).")
    double[] globalScale;

    @Option(
            names = "--local-scale",
            split = ",",
            paramLabel = "MIN,MAX",
            description = "Area range of the local crops (dino: 0.05,0.4; dinov2: 0.05,0.32).")
    double[] localScale;

    /** A method's default area ranges, each {min, max}. */
    public record Scales(double[] global, double[] local) {}

    /**
     * The augmentation settings for data's images cut into {@code patch} px patches, with the
     * method's {@code defaults} where no range was given and the chosen blur; records the crops
     * (local_crops, local_size, global_scale, local_scale, blur_sigma) in {@code settings}.
     */
    public RecipeConfig recipe(
            LabelledData data, int patch, Scales defaults, BlurOptions blur, Map<String, Object> settings) {
        int local = localSize != null ? localSize : localSide(data.imageSize(), patch);
        double[] global = globalScale != null ? globalScale : defaults.global();
        double[] localRange = localScale != null ? localScale : defaults.local();
        SslTraining.range(global, "--global-scale");
        SslTraining.range(localRange, "--local-scale");
        RecipeConfig recipe = blur.apply(RecipeConfig.of(data.imageSize(), data.mean(), data.std())
                .withLocal(local, localCrops)
                .withGlobalScale(global[0], global[1])
                .withLocalScale(localRange[0], localRange[1]));
        settings.put("local_crops", localCrops);
        settings.put("local_size", local);
        settings.put("global_scale", global[0] + "," + global[1]);
        settings.put("local_scale", localRange[0] + "," + localRange[1]);
        BlurOptions.record(settings, recipe);
        return recipe;
    }

    /** main_dino.py's ranges: global 0.4-1 beside local crops, 0.14-1 when there are none; local 0.05-0.4. */
    public Scales dinoScales() {
        return new Scales(
                localCrops > 0 ? new double[] {0.4, 1.0} : new double[] {0.14, 1.0}, new double[] {0.05, 0.4});
    }

    /** DINOv2's ranges (ssl_default_config.yaml): global 0.32-1, local 0.05-0.32. */
    public static Scales dinov2Scales() {
        return new Scales(new double[] {0.32, 1.0}, new double[] {0.05, 0.32});
    }

    /** round(side x 96 / 224) rounded to a multiple of the patch (at least one patch). */
    static int localSide(int side, int patch) {
        long scaled = Math.round(side * 96.0 / 224.0);
        return (int) Math.max(patch, Math.round((double) scaled / patch) * patch);
    }
}
