package dev.loupe.data;

import dev.loupe.tensor.Tensor;
import java.util.Arrays;

/**
 * A decoded image as float32 planes in channel-major order, the layout of a torchvision tensor after
 * ToTensor: {@code pixels[c * height * width + y * width + x]}, values in [0, 1] until Normalize.
 * Transforms return new images; an Image is never changed after construction by the code that made it.
 *
 * @param channels 1 (grey) or 3 (RGB); decoders drop alpha
 * @param height   rows
 * @param width    columns
 * @param pixels   channels * height * width values
 */
public record Image(int channels, int height, int width, float[] pixels) {
    public Image {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image size must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (pixels.length != channels * height * width) {
            throw new IllegalArgumentException("image " + channels + "x" + height + "x" + width + " needs "
                    + channels * height * width + " values, got " + pixels.length);
        }
    }

    /** A black image of the given size. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(channels, height, width, new float[channels * height * width]);
    }

    /** The value at channel c, row y, column x. */
    public float get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x];
    }

    /** The (C, H, W) tensor over a copy of the pixels. */
    public Tensor toTensor() {
        return Tensor.of(pixels.clone(), channels, height, width);
    }

    /** An image from a (C, H, W) float32 tensor. */
    public static Image of(Tensor chw) {
        if (chw.rank() != 3)
            throw new IllegalArgumentException("an image tensor is (C, H, W), got " + Arrays.toString(chw.sizes()));
        return new Image(chw.size(0), chw.size(1), chw.size(2), chw.toFloatArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i
                && i.channels == channels
                && i.height == height
                && i.width == width
                && Arrays.equals(i.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(pixels) + height * 7 + width * 3 + channels;
    }

    @Override
    public String toString() {
        return "Image(" + channels + "x" + height + "x" + width + ")";
    }
}
