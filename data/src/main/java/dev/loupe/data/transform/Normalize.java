package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.Arrays;

/**
 * torchvision's Normalize: (x - mean[c]) / std[c] per channel, in float32. mean and std have one value
 * per channel, or one value for every channel. Fashion-MNIST: mean 0.2860, std 0.3530.
 */
public final class Normalize implements Transform {
    private final float[] mean, std;

    public Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalize needs as many means as stds (at least one), got mean "
                    + Arrays.toString(mean) + ", std " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0))
                throw new IllegalArgumentException("normalize std must be positive, got " + Arrays.toString(std));
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The channel count this normalisation is for (1 means any). */
    public int channels() {
        return mean.length;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        int c = image.channels(), plane = image.height() * image.width();
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException(
                    "normalize has " + mean.length + " channel means, the image is " + image);
        }
        float[] in = image.pixels(), out = new float[in.length];
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch], s = std[mean.length == 1 ? 0 : ch];
            for (int i = ch * plane; i < (ch + 1) * plane; i++) out[i] = (in[i] - m) / s;
        }
        return new Image(c, image.height(), image.width(), out);
    }
}
