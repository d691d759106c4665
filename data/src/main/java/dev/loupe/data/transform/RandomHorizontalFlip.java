package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/** torchvision's RandomHorizontalFlip: flips when a uniform draw is below p (one draw per image). */
public final class RandomHorizontalFlip implements Transform {
    private final double p;

    /** p = 0.5, torchvision's default. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    public RandomHorizontalFlip(double p) {
        this.p = Checks.probability(p, "RandomHorizontalFlip");
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return rng.nextDouble() < p ? HorizontalFlip.flip(image) : image;
    }
}
