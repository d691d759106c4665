package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's CenterCrop: the box starts at round((H - h) / 2), round((W - w) / 2) with Python's
 * round-half-to-even. A crop larger than the image is an error (torchvision would zero-pad).
 */
public final class CenterCrop implements Transform {
    private final int height, width;

    /** A size x size crop. */
    public CenterCrop(int size) {
        this(size, size);
    }

    public CenterCrop(int height, int width) {
        this.height = Checks.positive(height, "center crop height");
        this.width = Checks.positive(width, "center crop width");
    }

    @Override
    public Image apply(Image image, Rng rng) {
        if (height > image.height() || width > image.width()) {
            throw new IllegalArgumentException("center crop " + height + "x" + width + " is larger than " + image);
        }
        int top = (int) Math.rint((image.height() - height) / 2.0);
        int left = (int) Math.rint((image.width() - width) / 2.0);
        return Crop.crop(image, new CropBox(top, left, height, width));
    }
}
