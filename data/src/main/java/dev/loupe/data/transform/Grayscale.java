package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/** torchvision's Grayscale: ITU-R 601-2 luma (0.2989 R + 0.587 G + 0.114 B) as 1 or 3 channels; see {@link ColorAdjust#grayscale}. */
public final class Grayscale implements Transform {
    private final int outputChannels;

    public Grayscale(int outputChannels) {
        if (outputChannels != 1 && outputChannels != 3) {
            throw new IllegalArgumentException("Grayscale output channels must be 1 or 3, got " + outputChannels);
        }
        this.outputChannels = outputChannels;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return ColorAdjust.grayscale(image, outputChannels);
    }
}
