package dev.loupe.data.transform;

import dev.loupe.data.Image;
import java.util.ArrayList;
import java.util.List;

/**
 * Named augmentation recipes, each a {@link ViewTransform} (view counts in brackets):
 * <ul>
 *   <li>"supervised-train" [1]: RandomResizedCrop(size, 0.08-1, bilinear) or, with padding > 0,
 *       zero-pad + RandomCrop(size); then flip 0.5; normalize.</li>
 *   <li>"eval" [1]: Resize(shorter side round(size / evalCropRatio), bilinear), CenterCrop(size), normalize.</li>
 *   <li>"dino" [2 + localCrops]: {@link MultiCrop}; views 0-1 are size x size, the rest localSize x localSize.</li>
 *   <li>"simclr" [2]: {@link TwoViews#simclr}.</li>
 *   <li>{@link #simclrMultiCrop} [2 + localCrops]: {@link SimClrMultiCrop}; views 0-1 as "simclr", the rest
 *       localSize x localSize crops of area localScale (not a named recipe: DINO's 8 local crops are the
 *       config's default count, so the caller sets the count it wants).</li>
 *   <li>"mae" [1]: RandomResizedCrop(size, 0.2-1, bicubic), flip 0.5, normalize (MAE main_pretrain.py).</li>
 *   <li>"clip" [1]: RandomResizedCrop(size, 0.5-1, bilinear), normalize (SLIP's CLIP branch).</li>
 *   <li>{@link #slip} [3]: the "clip" view, then the two "simclr" views, drawn in that order (SLIP's views of
 *       one image; not a named recipe).</li>
 * </ul>
 * Decoded images are already ToTensor's output (bytes / 255 as float CHW), so no recipe has a ToTensor step.
 */
public final class Recipes {
    /** The recognised recipe names. */
    public static final List<String> NAMES = List.of("supervised-train", "eval", "dino", "simclr", "mae", "clip");

    private Recipes() {}

    /** The recipe called name (one of {@link #NAMES}). */
    public static ViewTransform named(String name, RecipeConfig config) {
        return switch (name) {
            case "supervised-train" -> supervisedTrain(config);
            case "eval" -> eval(config);
            case "dino" -> dino(config);
            case "simclr" -> simclr(config);
            case "mae" -> mae(config);
            case "clip" -> clip(config);
            default ->
                throw new IllegalArgumentException(
                        "unknown augmentation recipe '" + name + "', expected one of " + NAMES);
        };
    }

    /** The number of views the recipe called name makes per image. */
    public static int viewCount(String name, RecipeConfig config) {
        if (!NAMES.contains(name))
            throw new IllegalArgumentException("unknown augmentation recipe '" + name + "', expected one of " + NAMES);
        return switch (name) {
            case "dino" -> 2 + config.localCrops();
            case "simclr" -> 2;
            default -> 1;
        };
    }

    public static ViewTransform supervisedTrain(RecipeConfig c) {
        Transform crop = c.padding() > 0
                ? new RandomCrop(c.size(), c.padding())
                : new RandomResizedCrop(c.size(), 0.08, 1.0, Interpolation.BILINEAR, c.antialias());
        return ViewTransform.single(new Compose(crop, new RandomHorizontalFlip(0.5), c.normalize()));
    }

    /** Horizontal flip 0.5 and normalize: the lightest training recipe, for models that underfit. */
    public static ViewTransform flipOnly(RecipeConfig c) {
        return ViewTransform.single(new Compose(new RandomHorizontalFlip(0.5), c.normalize()));
    }

    public static ViewTransform eval(RecipeConfig c) {
        int resizeTo = (int) Math.round(c.size() / c.evalCropRatio());
        return ViewTransform.single(new Compose(
                new Resize(resizeTo, Interpolation.BILINEAR, c.antialias()), new CenterCrop(c.size()), c.normalize()));
    }

    public static MultiCrop dino(RecipeConfig c) {
        double[] g = c.globalScale(), l = c.localScale();
        return new MultiCrop(
                c.size(), g, c.localCrops(), c.localSize(), l, c.blurSigma(), c.normalize(), c.antialias());
    }

    public static TwoViews simclr(RecipeConfig c) {
        return TwoViews.simclr(
                c.size(), c.viewScale(), c.simclrStrength(), c.blurSigma(), c.normalize(), c.antialias());
    }

    /** SimCLR's two views plus {@code c.localCrops()} local views of side {@code c.localSize()}, area {@code c.localScale()}. */
    public static SimClrMultiCrop simclrMultiCrop(RecipeConfig c) {
        Transform global = TwoViews.simclrView(
                c.size(), c.viewScale(), c.simclrStrength(), c.blurSigma(), c.normalize(), c.antialias());
        Transform local = TwoViews.simclrView(
                c.localSize(), c.localScale(), c.simclrStrength(), c.blurSigma(), c.normalize(), c.antialias());
        return new SimClrMultiCrop(global, local, c.localCrops());
    }

    public static ViewTransform mae(RecipeConfig c) {
        return ViewTransform.single(new Compose(
                new RandomResizedCrop(c.size(), 0.2, 1.0, Interpolation.BICUBIC, c.antialias()),
                new RandomHorizontalFlip(0.5),
                c.normalize()));
    }

    public static ViewTransform clip(RecipeConfig c) {
        return ViewTransform.single(new Compose(
                new RandomResizedCrop(c.size(), 0.5, 1.0, Interpolation.BILINEAR, c.antialias()), c.normalize()));
    }

    /** SLIP's views of one image: [CLIP view, SimCLR view 1, SimCLR view 2], drawn in that order from rng. */
    public static ViewTransform slip(RecipeConfig c) {
        ViewTransform clip = clip(c), ssl = simclr(c);
        return (image, rng) -> {
            List<Image> views = new ArrayList<>(3);
            views.addAll(clip.apply(image, rng));
            views.addAll(ssl.apply(image, rng));
            return views;
        };
    }
}
