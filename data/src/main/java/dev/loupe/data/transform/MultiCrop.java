package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * DINO's multi-crop augmentation (facebookresearch/dino main_dino.py DataAugmentationDINO), views in
 * this order: global 1, global 2, then the local crops.
 *
 * <pre>
 * every view  : RandomResizedCrop(bicubic) -> flip 0.5 -> ColorJitter(0.4, 0.4, 0.2, 0.1) p 0.8 -> grayscale p 0.2
 * global 1    : ... -> blur p 1.0 -> normalize
 * global 2    : ... -> blur p 0.1 -> solarize p 0.2 (threshold 128/255) -> normalize
 * local crops : ... -> blur p 0.5 -> normalize
 * </pre>
 * Blur sigma is uniform in the given range (DINO's radius range [0.1, 2.0] at 224 px; see
 * {@link RecipeConfig#defaultBlurSigma} for smaller images) with kernel {@link GaussianBlur#defaultKernelSize}
 * of the crop side. Sizes and scale ranges come from the
 * caller, e.g. 224 / 96 with scales (0.4, 1) / (0.05, 0.4) for ImageNet, or 28 / 12 for Fashion-MNIST.
 */
public final class MultiCrop implements ViewTransform {
    private final Transform global1, global2, local;
    private final int localCrops;

    /**
     * @param globalSize   side of the 2 global crops
     * @param globalScale  {min, max} area fraction of the global crops (DINO: 0.4, 1)
     * @param localCrops   number of local crops m, >= 0 (DINO: 8)
     * @param localSize    side of the local crops (DINO: 96)
     * @param localScale   {min, max} area fraction of the local crops (DINO: 0.05, 0.4)
     * @param blurSigma    {min, max} blur sigma in pixels (DINO: 0.1, 2.0)
     * @param normalize    the dataset's normalisation
     * @param antialias    antialiased resizing (PIL-like; the reference resizes PIL images)
     */
    public MultiCrop(
            int globalSize,
            double[] globalScale,
            int localCrops,
            int localSize,
            double[] localScale,
            double[] blurSigma,
            Normalize normalize,
            boolean antialias) {
        if (localCrops < 0) throw new IllegalArgumentException("local crop count must be >= 0, got " + localCrops);
        this.localCrops = localCrops;
        this.global1 = view(globalSize, globalScale, 1.0, 0.0, blurSigma, normalize, antialias);
        this.global2 = view(globalSize, globalScale, 0.1, 0.2, blurSigma, normalize, antialias);
        this.local = view(localSize, localScale, 0.5, 0.0, blurSigma, normalize, antialias);
    }

    /** 2 + localCrops. */
    public int viewCount() {
        return 2 + localCrops;
    }

    @Override
    public List<Image> apply(Image image, Rng rng) {
        List<Image> views = new ArrayList<>(viewCount());
        views.add(global1.apply(image, rng));
        views.add(global2.apply(image, rng));
        for (int i = 0; i < localCrops; i++) views.add(local.apply(image, rng));
        return views;
    }

    private static Transform view(
            int size,
            double[] scale,
            double blurP,
            double solarizeP,
            double[] blurSigma,
            Normalize normalize,
            boolean antialias) {
        if (scale.length != 2)
            throw new IllegalArgumentException("crop scale must be {min, max}, got " + scale.length + " values");
        List<Transform> steps = new ArrayList<>(List.of(
                new RandomResizedCrop(size, scale[0], scale[1], Interpolation.BICUBIC, antialias),
                new RandomHorizontalFlip(0.5),
                new RandomApply(0.8, new ColorJitter(0.4, 0.4, 0.2, 0.1)),
                new RandomGrayscale(0.2),
                new RandomApply(
                        blurP, new GaussianBlur(GaussianBlur.defaultKernelSize(size), blurSigma[0], blurSigma[1]))));
        if (solarizeP > 0) steps.add(new RandomSolarize(solarizeP));
        steps.add(normalize);
        return new Compose(steps);
    }
}
