package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.List;

/**
 * Two independent draws of one augmentation, SimCLR's positive pair (SLIP's SimCLR branch):
 * <pre>
 * RandomResizedCrop(size, scale (min, max) = SimCLR's (0.08, 1), bilinear) -> ColorJitter(0.8s, 0.8s, 0.8s, 0.2s) p 0.8
 *   -> grayscale p 0.2 -> blur p 0.5 (sigma range given; SimCLR's 0.1-2.0 at 224 px) -> flip 0.5 -> normalize
 * </pre>
 * s is the colour strength (SimCLR's 1.0; SLIP uses 0.5, i.e. ColorJitter(0.4, 0.4, 0.4, 0.1)).
 */
public final class TwoViews implements ViewTransform {
    private final Transform view;

    /** Any augmentation, drawn twice. */
    public TwoViews(Transform view) {
        this.view = view;
    }

    /**
     * The SimCLR augmentation for size x size views with crop area fraction {min, max}, colour strength s in (0, 2.5]
     * and blur sigma {min, max}.
     */
    public static TwoViews simclr(
            int size, double[] scale, double strength, double[] blurSigma, Normalize normalize, boolean antialias) {
        return new TwoViews(simclrView(size, scale, strength, blurSigma, normalize, antialias));
    }

    /** One draw of the SimCLR augmentation above: a size x size view of a crop with area fraction in scale. */
    public static Transform simclrView(
            int size, double[] scale, double strength, double[] blurSigma, Normalize normalize, boolean antialias) {
        if (!(strength > 0 && strength <= 2.5)) {
            throw new IllegalArgumentException(
                    "SimCLR colour strength must be in (0, 2.5] (hue 0.2s <= 0.5), got " + strength);
        }
        double s = strength;
        return new Compose(
                new RandomResizedCrop(size, scale[0], scale[1], Interpolation.BILINEAR, antialias),
                new RandomApply(0.8, new ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s)),
                new RandomGrayscale(0.2),
                new RandomApply(
                        0.5, new GaussianBlur(GaussianBlur.defaultKernelSize(size), blurSigma[0], blurSigma[1])),
                new RandomHorizontalFlip(0.5),
                normalize);
    }

    @Override
    public List<Image> apply(Image image, Rng rng) {
        Image a = view.apply(image, rng);
        Image b = view.apply(image, rng);
        return List.of(a, b);
    }
}
