package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/** torchvision's RandomSolarize (DINO's Solarization): {@link Solarize} when a uniform draw is below p. */
public final class RandomSolarize implements Transform {
    private final double p;
    private final float threshold;

    /** DINO's Solarization(p): PIL's threshold 128/255. */
    public RandomSolarize(double p) {
        this(p, Solarize.PIL_THRESHOLD);
    }

    public RandomSolarize(double p, double threshold) {
        this.p = Checks.probability(p, "RandomSolarize");
        if (!(threshold >= 0 && threshold <= 1))
            throw new IllegalArgumentException("solarize threshold must be in [0, 1], got " + threshold);
        this.threshold = (float) threshold;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return rng.nextDouble() < p ? Solarize.solarize(image, threshold) : image;
    }
}
