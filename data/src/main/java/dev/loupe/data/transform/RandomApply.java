package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/** torchvision's RandomApply: applies the transform unless a uniform draw exceeds p (so p = 1 always applies). */
public final class RandomApply implements Transform {
    private final double p;
    private final Transform transform;

    public RandomApply(double p, Transform transform) {
        this.p = Checks.probability(p, "RandomApply");
        this.transform = transform;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return p < rng.nextDouble() ? image : transform.apply(image, rng);
    }
}
