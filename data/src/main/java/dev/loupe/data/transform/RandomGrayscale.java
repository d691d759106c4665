package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's RandomGrayscale: with probability p (a uniform draw below p) the luma image with the
 * input's channel count, so RGB stays 3 channels; a grey image comes back unchanged.
 */
public final class RandomGrayscale implements Transform {
    private final double p;

    /** p = 0.1, torchvision's default. */
    public RandomGrayscale() {
        this(0.1);
    }

    public RandomGrayscale(double p) {
        this.p = Checks.probability(p, "RandomGrayscale");
    }

    @Override
    public Image apply(Image image, Rng rng) {
        if (!(rng.nextDouble() < p)) return image;
        Checks.greyOrRgb(image, "RandomGrayscale");
        return image.channels() == 1 ? image : ColorAdjust.grayscale(image, 3);
    }
}
