package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's RandomCrop(size, padding): zero-pad every side by padding, then a size x size box at a
 * uniform position (no draw when the padded image already has the crop's size). The CIFAR-style
 * "pad and crop" augmentation.
 */
public final class RandomCrop implements Transform {
    private final int height, width, padding;

    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    public RandomCrop(int height, int width, int padding) {
        this.height = Checks.positive(height, "random crop height");
        this.width = Checks.positive(width, "random crop width");
        if (padding < 0) throw new IllegalArgumentException("random crop padding must be >= 0, got " + padding);
        this.padding = padding;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        Image padded = padding > 0 ? Padding.zeros(image, padding, padding, padding, padding) : image;
        int h = padded.height(), w = padded.width();
        if (h < height || w < width) {
            throw new IllegalArgumentException(
                    "random crop " + height + "x" + width + " is larger than the padded " + padded);
        }
        if (h == height && w == width) return padded;
        int top = rng.nextInt(h - height + 1);
        int left = rng.nextInt(w - width + 1);
        return Crop.crop(padded, new CropBox(top, left, height, width));
    }
}
