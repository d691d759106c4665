package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/** torchvision's F.hflip: mirror every row (column x goes to W - 1 - x). */
public final class HorizontalFlip implements Transform {
    @Override
    public Image apply(Image image, Rng rng) {
        return flip(image);
    }

    /** The mirrored image. */
    public static Image flip(Image image) {
        int w = image.width(), rows = image.channels() * image.height();
        float[] in = image.pixels(), out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int x = 0; x < w; x++) out[r * w + x] = in[r * w + w - 1 - x];
        }
        return new Image(image.channels(), image.height(), w, out);
    }
}
