package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * A fixed crop, torchvision's F.crop for boxes inside the image. Unlike torchvision, a box reaching
 * outside the image is an error rather than zero padding: every crop Loupe's recipes make lies inside
 * the image, so a box outside it is a bug upstream.
 */
public final class Crop implements Transform {
    private final CropBox box;

    public Crop(int top, int left, int height, int width) {
        this.box = new CropBox(top, left, height, width);
    }

    @Override
    public Image apply(Image image, Rng rng) {
        return crop(image, box);
    }

    /** The pixels of box, all channels. */
    public static Image crop(Image image, CropBox box) {
        if (box.top() < 0
                || box.left() < 0
                || box.top() + box.height() > image.height()
                || box.left() + box.width() > image.width()) {
            throw new IllegalArgumentException("crop " + box + " does not fit in " + image);
        }
        int c = image.channels(), h = box.height(), w = box.width();
        float[] in = image.pixels(), out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int from = (ch * image.height() + box.top() + y) * image.width() + box.left();
                System.arraycopy(in, from, out, (ch * h + y) * w, w);
            }
        }
        return new Image(c, h, w, out);
    }

    /** torchvision's F.resized_crop: crop box, then resize to (height, width). */
    public static Image resizedCrop(
            Image image, CropBox box, int height, int width, Interpolation interpolation, boolean antialias) {
        return Resize.resize(crop(image, box), height, width, interpolation, antialias);
    }
}
