package dev.loupe.data.transform;

import java.util.Arrays;

/**
 * The knobs of {@link Recipes}. Start from {@link #of} and change what differs with the with* methods.
 *
 * @param size            output side of training views, eval crops and DINO's global crops
 * @param mean            per-channel (or single) normalisation mean, e.g. Fashion-MNIST {0.2860}
 * @param std             per-channel (or single) normalisation std, e.g. Fashion-MNIST {0.3530}
 * @param localSize       side of DINO's local crops
 * @param localCrops      number of DINO's local crops
 * @param globalScale     {min, max} area fraction of DINO's global crops
 * @param localScale      {min, max} area fraction of DINO's local crops
 * @param simclrStrength  SimCLR colour strength s (ColorJitter(0.8s, 0.8s, 0.8s, 0.2s))
 * @param padding         supervised training: > 0 means zero-pad by this and random-crop back to size
 *                        (the CIFAR recipe); 0 means RandomResizedCrop(0.08, 1)
 * @param evalCropRatio   eval: resize the shorter side to round(size / ratio), then centre-crop size
 *                        (0.875 for ImageNet; 1.0 keeps small images whole)
 * @param antialias       antialiased resizing in every recipe
 */
public record RecipeConfig(int size, float[] mean, float[] std, int localSize, int localCrops, double[] globalScale,
                           double[] localScale, double simclrStrength, int padding, double evalCropRatio,
                           boolean antialias) {
    public RecipeConfig {
        Checks.positive(size, "recipe size");
        Checks.positive(localSize, "recipe local size");
        if (localCrops < 0) throw new IllegalArgumentException("local crop count must be >= 0, got " + localCrops);
        if (globalScale.length != 2 || localScale.length != 2) {
            throw new IllegalArgumentException("crop scales must be {min, max}, got " + Arrays.toString(globalScale)
                    + " and " + Arrays.toString(localScale));
        }
        Checks.range(globalScale[0], globalScale[1], true, "global crop scale");
        Checks.range(localScale[0], localScale[1], true, "local crop scale");
        if (padding < 0) throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        if (!(evalCropRatio > 0 && evalCropRatio <= 1)) {
            throw new IllegalArgumentException("eval crop ratio must be in (0, 1], got " + evalCropRatio);
        }
        mean = mean.clone();
        std = std.clone();
        globalScale = globalScale.clone();
        localScale = localScale.clone();
    }

    /**
     * Defaults: DINO's 8 local crops of side round(size * 96 / 224), global scale (0.4, 1), local scale
     * (0.05, 0.4), SimCLR strength 1, RandomResizedCrop for supervised training, eval crop ratio 0.875,
     * antialias on (the reference pipelines resize PIL images, which always antialias).
     */
    public static RecipeConfig of(int size, float[] mean, float[] std) {
        return new RecipeConfig(size, mean, std, Math.max(1, (int) Math.round(size * 96.0 / 224.0)), 8,
                new double[] {0.4, 1.0}, new double[] {0.05, 0.4}, 1.0, 0, 0.875, true);
    }

    /** The normalisation step. */
    public Normalize normalize() { return new Normalize(mean, std); }

    /** DINO's local crops; with 0 local crops DINO widens the global scale to (0.14, 1): set it with {@link #withGlobalScale}. */
    public RecipeConfig withLocal(int newLocalSize, int newLocalCrops) {
        return new RecipeConfig(size, mean, std, newLocalSize, newLocalCrops, globalScale, localScale, simclrStrength,
                padding, evalCropRatio, antialias);
    }

    public RecipeConfig withGlobalScale(double min, double max) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, new double[] {min, max}, localScale,
                simclrStrength, padding, evalCropRatio, antialias);
    }

    public RecipeConfig withLocalScale(double min, double max) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, globalScale, new double[] {min, max},
                simclrStrength, padding, evalCropRatio, antialias);
    }

    public RecipeConfig withSimclrStrength(double strength) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, globalScale, localScale, strength, padding,
                evalCropRatio, antialias);
    }

    public RecipeConfig withPadding(int newPadding) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, globalScale, localScale, simclrStrength,
                newPadding, evalCropRatio, antialias);
    }

    public RecipeConfig withEvalCropRatio(double ratio) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, globalScale, localScale, simclrStrength,
                padding, ratio, antialias);
    }

    public RecipeConfig withAntialias(boolean on) {
        return new RecipeConfig(size, mean, std, localSize, localCrops, globalScale, localScale, simclrStrength,
                padding, evalCropRatio, on);
    }

    @Override
    public float[] mean() { return mean.clone(); }

    @Override
    public float[] std() { return std.clone(); }

    @Override
    public double[] globalScale() { return globalScale.clone(); }

    @Override
    public double[] localScale() { return localScale.clone(); }
}
