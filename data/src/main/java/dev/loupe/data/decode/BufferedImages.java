package dev.loupe.data.decode;

import dev.loupe.data.Image;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Java2D images to {@link Image}s: stored sample values divided by the largest value of their bit
 * depth (so 8-bit grey is v / 255 and 16-bit grey v / 65535), in CHW order. Alpha is dropped without
 * compositing onto a background, as PIL's {@code convert("RGB")} does. Grey stays 1 channel; a
 * palette whose entries are all grey gives 1 channel, any other palette gives RGB.
 */
public final class BufferedImages {
    private BufferedImages() {}

    /** The pixels of img as an Image with 1 (grey) or 3 (colour) channels. */
    public static Image toImage(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof IndexColorModel palette) return fromPalette(palette, raster);
        int colours = cm.getNumColorComponents();
        int space = cm.getColorSpace().getType();
        if (cm.isAlphaPremultiplied()) return fromArgb(img);
        if (colours == 1 && space == ColorSpace.TYPE_GRAY) return fromBands(cm, raster, 1);
        if (colours == 3 && space == ColorSpace.TYPE_RGB) return fromBands(cm, raster, 3);
        return fromArgb(img);
    }

    /** Reads the first `channels` raster bands, each divided by the largest value of its bit depth (as ToTensor divides by 255). */
    private static Image fromBands(ColorModel cm, Raster raster, int channels) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = w * h;
        float[] out = new float[channels * plane];
        int[] row = new int[w];
        for (int c = 0; c < channels; c++) {
            float max = (float) ((1L << cm.getComponentSize(c)) - 1);
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
                int base = c * plane + y * w;
                for (int x = 0; x < w; x++) out[base + x] = row[x] / max;
            }
        }
        return new Image(channels, h, w, out);
    }

    /** Palette indices looked up in the (8-bit) palette; alpha entries are ignored. */
    private static Image fromPalette(IndexColorModel palette, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = w * h;
        boolean grey = isGrey(palette);
        int channels = grey ? 1 : 3;
        float[] out = new float[channels * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int index = row[x];
                out[i] = palette.getRed(index) / 255f;
                if (!grey) {
                    out[plane + i] = palette.getGreen(index) / 255f;
                    out[2 * plane + i] = palette.getBlue(index) / 255f;
                }
            }
        }
        return new Image(channels, h, w, out);
    }

    private static boolean isGrey(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int r = palette.getRed(i);
            if (r != palette.getGreen(i) || r != palette.getBlue(i)) return false;
        }
        return true;
    }

    /** Any other colour model, converted to 8-bit sRGB by Java2D. */
    private static Image fromArgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xFF) / 255f;
            out[plane + i] = ((p >> 8) & 0xFF) / 255f;
            out[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return new Image(3, h, w, out);
    }
}
