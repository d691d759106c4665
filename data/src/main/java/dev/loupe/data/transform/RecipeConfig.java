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
 * @param viewScale       {min, max} area fraction of the RandomResizedCrop of the two-view recipes (SimCLR,
 *                        VICReg, BYOL, SLIP's SSL views); (0.08, 1) as in SimCLR
 * @param simclrStrength  SimCLR colour strength s (ColorJitter(0.8s, 0.8s, 0.8s, 0.2s))
 * @param blurSigma       {min, max} Gaussian blur sigma in pixels of DINO's and SimCLR's views
 * @param padding         supervised training: > 0 means zero-pad by this and random-crop back to size
 *                        (the CIFAR recipe); 0 means RandomResizedCrop(0.08, 1)
 * @param evalCropRatio   eval: resize the shorter side to round(size / ratio), then centre-crop size
 *                        (0.875 for ImageNet; 1.0 keeps small images whole)
 * @param antialias       antialiased resizing in every recipe
 */
public record RecipeConfig(
        int size,
        float[] mean,
        float[] std,
        int localSize,
        int localCrops,
        double[] globalScale,
        double[] localScale,
        double[] viewScale,
        double simclrStrength,
        double[] blurSigma,
        int padding,
        double evalCropRatio,
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
        if (viewScale.length != 2)
            throw new IllegalArgumentException("view crop scale must be {min, max}, got " + Arrays.toString(viewScale));
        Checks.range(viewScale[0], viewScale[1], true, "view crop scale");
        if (blurSigma.length != 2)
            throw new IllegalArgumentException("blur sigma must be {min, max}, got " + Arrays.toString(blurSigma));
        Checks.range(blurSigma[0], blurSigma[1], false, "blur sigma");
        if (padding < 0) throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        if (!(evalCropRatio > 0 && evalCropRatio <= 1)) {
            throw new IllegalArgumentException("eval crop ratio must be in (0, 1], got " + evalCropRatio);
        }
        mean = mean.clone();
        std = std.clone();
        globalScale = globalScale.clone();
        localScale = localScale.clone();
        viewScale = viewScale.clone();
        blurSigma = blurSigma.clone();
    }

    /**
     * Defaults: DINO's 8 local crops of side round(size * 96 / 224), global scale (0.4, 1), local scale
     * (0.05, 0.4), SimCLR strength 1, blur sigma {@link #defaultBlurSigma}, RandomResizedCrop for supervised
     * training, eval crop ratio 0.875, antialias on (the reference pipelines resize PIL images, which always
     * antialias).
     */
    public static RecipeConfig of(int size, float[] mean, float[] std) {
        return new RecipeConfig(
                size,
                mean,
                std,
                Math.max(1, (int) Math.round(size * 96.0 / 224.0)),
                8,
                new double[] {0.4, 1.0},
                new double[] {0.05, 0.4},
                new double[] {0.08, 1.0},
                1.0,
                defaultBlurSigma(size),
                0,
                0.875,
                true);
    }

    /**
     * DINO's and SimCLR's blur range, sigma in [0.1, 2.0] pixels at 224 x 224, kept relative to the image for
     * smaller sides: {0.1, 2.0} x min(1, size / 224). At 28 x 28 the unscaled range would blur with up to 7% of the
     * side instead of 0.9% and wipe out the garment's texture; at 224 and above it is the reference range.
     */
    public static double[] defaultBlurSigma(int size) {
        double f = Math.min(1.0, size / 224.0);
        return new double[] {0.1 * f, 2.0 * f};
    }

    /** A field-by-field copy to change a few knobs of; build() validates as the constructor does. */
    private static final class Copy {
        int size, localSize, localCrops, padding;
        float[] mean, std;
        double[] globalScale, localScale, viewScale, blurSigma;
        double simclrStrength, evalCropRatio;
        boolean antialias;

        Copy(RecipeConfig c) {
            size = c.size;
            mean = c.mean;
            std = c.std;
            localSize = c.localSize;
            localCrops = c.localCrops;
            globalScale = c.globalScale;
            localScale = c.localScale;
            viewScale = c.viewScale;
            simclrStrength = c.simclrStrength;
            blurSigma = c.blurSigma;
            padding = c.padding;
            evalCropRatio = c.evalCropRatio;
            antialias = c.antialias;
        }

        RecipeConfig build() {
            return new RecipeConfig(
                    size,
                    mean,
                    std,
                    localSize,
                    localCrops,
                    globalScale,
                    localScale,
                    viewScale,
                    simclrStrength,
                    blurSigma,
                    padding,
                    evalCropRatio,
                    antialias);
        }
    }

    private RecipeConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    public RecipeConfig withBlurSigma(double min, double max) {
        return with(c -> c.blurSigma = new double[] {min, max});
    }

    /** The normalisation step. */
    public Normalize normalize() {
        return new Normalize(mean, std);
    }

    /** DINO's local crops; with 0 local crops DINO widens the global scale to (0.14, 1): set it with {@link #withGlobalScale}. */
    public RecipeConfig withLocal(int newLocalSize, int newLocalCrops) {
        return with(c -> {
            c.localSize = newLocalSize;
            c.localCrops = newLocalCrops;
        });
    }

    public RecipeConfig withGlobalScale(double min, double max) {
        return with(c -> c.globalScale = new double[] {min, max});
    }

    public RecipeConfig withLocalScale(double min, double max) {
        return with(c -> c.localScale = new double[] {min, max});
    }

    /** The RandomResizedCrop scale of the two-view recipes (SimCLR's (0.08, 1) by default). */
    public RecipeConfig withViewScale(double min, double max) {
        return with(c -> c.viewScale = new double[] {min, max});
    }

    public RecipeConfig withSimclrStrength(double strength) {
        return with(c -> c.simclrStrength = strength);
    }

    public RecipeConfig withPadding(int newPadding) {
        return with(c -> c.padding = newPadding);
    }

    public RecipeConfig withEvalCropRatio(double ratio) {
        return with(c -> c.evalCropRatio = ratio);
    }

    public RecipeConfig withAntialias(boolean on) {
        return with(c -> c.antialias = on);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public double[] globalScale() {
        return globalScale.clone();
    }

    @Override
    public double[] localScale() {
        return localScale.clone();
    }

    @Override
    public double[] viewScale() {
        return viewScale.clone();
    }

    @Override
    public double[] blurSigma() {
        return blurSigma.clone();
    }
}
