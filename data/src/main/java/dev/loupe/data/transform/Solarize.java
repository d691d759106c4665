package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's F.solarize: every value >= threshold becomes 1 - value. PIL-based recipes (DINO's
 * ImageOps.solarize, threshold 128 of 255) correspond to threshold 128/255 on decoded images.
 */
public final class Solarize implements Transform {
    /** PIL's default threshold 128 in [0, 1] units. */
    public static final float PIL_THRESHOLD = 128f / 255f;

    private final float threshold;

    public Solarize(double threshold) {
        if (!(threshold >= 0 && threshold <= 1))
            throw new IllegalArgumentException("solarize threshold must be in [0, 1], got " + threshold);
        this.threshold = (float) threshold;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return solarize(image, threshold);
    }

    /** The solarized image. */
    public static Image solarize(Image image, float threshold) {
        Checks.greyOrRgb(image, "solarize");
        float[] in = image.pixels(), out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i] >= threshold ? 1f - in[i] : in[i];
        return new Image(image.channels(), image.height(), image.width(), out);
    }
}
