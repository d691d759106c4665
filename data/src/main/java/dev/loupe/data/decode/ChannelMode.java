package dev.loupe.data.decode;

import dev.loupe.data.Image;

/**
 * How many channels a decoded image gets. Grey to RGB repeats the plane; RGB to grey uses the
 * luma weights of torchvision's {@code rgb_to_grayscale}: 0.2989 R + 0.587 G + 0.114 B.
 */
public enum ChannelMode {
    /** Keep what the file stores: 1 channel for grey (and grey palettes), 3 for colour. */
    AS_STORED,
    /** Always 1 channel. */
    GREY,
    /** Always 3 channels, like PIL's {@code convert("RGB")} in torchvision's default loader. */
    RGB;

    static final float LUMA_R = 0.2989f;
    static final float LUMA_G = 0.587f;
    static final float LUMA_B = 0.114f;

    /** The image with the channel count this mode asks for (the same object when nothing changes). */
    public Image apply(Image image) {
        return switch (this) {
            case AS_STORED -> image;
            case GREY -> image.channels() == 1 ? image : toGrey(image);
            case RGB -> image.channels() == 3 ? image : toRgb(image);
        };
    }

    /** A 3-channel image as 1 luma channel. */
    public static Image toGrey(Image rgb) {
        if (rgb.channels() != 3) throw new IllegalArgumentException("toGrey needs 3 channels, got " + rgb);
        int plane = rgb.height() * rgb.width();
        float[] in = rgb.pixels();
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = LUMA_R * in[i] + LUMA_G * in[plane + i] + LUMA_B * in[2 * plane + i];
        }
        return new Image(1, rgb.height(), rgb.width(), out);
    }

    /** A 1-channel image repeated into 3 equal channels. */
    public static Image toRgb(Image grey) {
        if (grey.channels() != 1) throw new IllegalArgumentException("toRgb needs 1 channel, got " + grey);
        int plane = grey.height() * grey.width();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) System.arraycopy(grey.pixels(), 0, out, c * plane, plane);
        return new Image(3, grey.height(), grey.width(), out);
    }
}
