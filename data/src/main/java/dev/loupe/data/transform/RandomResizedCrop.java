package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's RandomResizedCrop: a box covering a random fraction of the area (uniform in scale) with
 * a random aspect ratio w/h (log-uniform in ratio), resized to size x size. {@link #params} is
 * torchvision's get_params driven by our Rng: up to 10 attempts, each drawing area then ratio and,
 * when the rounded box fits, top then left uniformly; otherwise a centre crop of the whole image
 * clipped to the ratio range.
 */
public final class RandomResizedCrop implements Transform {
    private final int size;
    private final double scaleMin, scaleMax, ratioMin, ratioMax;
    private final Interpolation interpolation;
    private final boolean antialias;

    /** scale (0.08, 1), ratio (3/4, 4/3), bilinear, no antialias: torchvision's defaults. */
    public RandomResizedCrop(int size) {
        this(size, 0.08, 1.0, Interpolation.BILINEAR, false);
    }

    /** ratio (3/4, 4/3). */
    public RandomResizedCrop(
            int size, double scaleMin, double scaleMax, Interpolation interpolation, boolean antialias) {
        this(size, scaleMin, scaleMax, 3.0 / 4.0, 4.0 / 3.0, interpolation, antialias);
    }

    public RandomResizedCrop(
            int size,
            double scaleMin,
            double scaleMax,
            double ratioMin,
            double ratioMax,
            Interpolation interpolation,
            boolean antialias) {
        this.size = Checks.positive(size, "RandomResizedCrop size");
        Checks.range(scaleMin, scaleMax, true, "RandomResizedCrop scale");
        Checks.range(ratioMin, ratioMax, false, "RandomResizedCrop ratio");
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.interpolation = interpolation;
        this.antialias = antialias;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        CropBox box = params(image.height(), image.width(), scaleMin, scaleMax, ratioMin, ratioMax, rng);
        return Crop.resizedCrop(image, box, size, size, interpolation, antialias);
    }

    /** torchvision's RandomResizedCrop.get_params for an image of height x width. */
    public static CropBox params(
            int height, int width, double scaleMin, double scaleMax, double ratioMin, double ratioMax, Rng rng) {
        double area = (double) height * width;
        double logRatioMin = Math.log(ratioMin), logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logRatioMin, logRatioMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    private static double uniform(Rng rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
