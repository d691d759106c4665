package dev.loupe.data.transform;

import dev.loupe.data.Image;

/**
 * torchvision's functional_tensor colour operations on float images, with its float32 arithmetic:
 * blend(a, b, r) = clamp(r * a + (1 - r) * b, 0, 1).
 *
 * <p>Grey (1-channel) images: brightness and contrast work as on RGB (contrast blends with the image
 * mean); saturation and hue return the image unchanged, as torchvision does ("match PIL behaviour").
 * Other channel counts are errors.
 */
public final class ColorAdjust {
    /** ITU-R 601-2 luma weights of torchvision's rgb_to_grayscale. */
    static final float LUMA_R = 0.2989f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    private ColorAdjust() {}

    /** adjust_brightness: blend with black; factor >= 0 (0 gives black, 1 the image). */
    public static Image brightness(Image image, double factor) {
        nonNegative(factor, "brightness_factor");
        Checks.greyOrRgb(image, "adjust_brightness");
        return blend(image, new float[] {0f}, factor, false);
    }

    /** adjust_contrast: blend with the mean of the grey image (the mean of the luma for RGB); factor >= 0. */
    public static Image contrast(Image image, double factor) {
        nonNegative(factor, "contrast_factor");
        Checks.greyOrRgb(image, "adjust_contrast");
        float[] grey = image.channels() == 3 ? luma(image) : image.pixels();
        double sum = 0;
        for (float v : grey) sum += v;
        return blend(image, new float[] {(float) (sum / grey.length)}, factor, false);
    }

    /** adjust_saturation: blend with the luma image; factor >= 0 (0 gives grey); grey images unchanged. */
    public static Image saturation(Image image, double factor) {
        nonNegative(factor, "saturation_factor");
        Checks.greyOrRgb(image, "adjust_saturation");
        if (image.channels() == 1) return image;
        return blend(image, luma(image), factor, true);
    }

    /** adjust_hue: rotate the hue by factor turns, factor in [-0.5, 0.5], via rgb -> hsv -> rgb; grey images unchanged. */
    public static Image hue(Image image, double factor) {
        if (!(factor >= -0.5 && factor <= 0.5))
            throw new IllegalArgumentException("hue_factor (" + factor + ") is not in [-0.5, 0.5]");
        Checks.greyOrRgb(image, "adjust_hue");
        if (image.channels() == 1) return image;
        return Hsv.shiftHue(image, (float) factor);
    }

    /**
     * rgb_to_grayscale with num_output_channels 1 or 3 (the luma repeated). A grey image is returned
     * with outputChannels copies of its plane (torchvision's tensor path would keep 1 channel even when
     * asked for 3; we give what was asked for).
     */
    public static Image grayscale(Image image, int outputChannels) {
        if (outputChannels != 1 && outputChannels != 3) {
            throw new IllegalArgumentException("num_output_channels should be 1 or 3, got " + outputChannels);
        }
        Checks.greyOrRgb(image, "rgb_to_grayscale");
        float[] plane = image.channels() == 3 ? luma(image) : image.pixels();
        float[] out = new float[outputChannels * plane.length];
        for (int c = 0; c < outputChannels; c++) System.arraycopy(plane, 0, out, c * plane.length, plane.length);
        return new Image(outputChannels, image.height(), image.width(), out);
    }

    /** 0.2989 r + 0.587 g + 0.114 b per pixel, in torch's float32 order of operations. */
    static float[] luma(Image rgb) {
        int n = rgb.height() * rgb.width();
        float[] p = rgb.pixels(), out = new float[n];
        for (int i = 0; i < n; i++) out[i] = LUMA_R * p[i] + LUMA_G * p[n + i] + LUMA_B * p[2 * n + i];
        return out;
    }

    /**
     * clamp(ratio * image + (1 - ratio) * other, 0, 1); other is one value for the whole image, or one
     * plane (perPixel) shared by all channels.
     */
    private static Image blend(Image image, float[] other, double ratio, boolean perPixel) {
        float r = (float) ratio, rest = (float) (1.0 - ratio);
        int plane = image.height() * image.width();
        float[] in = image.pixels(), out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            float b = perPixel ? other[i % plane] : other[0];
            out[i] = Math.clamp(r * in[i] + rest * b, 0f, 1f);
        }
        return new Image(image.channels(), image.height(), image.width(), out);
    }

    private static void nonNegative(double factor, String name) {
        if (!(factor >= 0)) throw new IllegalArgumentException(name + " (" + factor + ") is not non-negative");
    }
}
