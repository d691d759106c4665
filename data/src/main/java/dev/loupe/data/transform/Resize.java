package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's Resize on tensors: either the shorter side to {@code size} (the longer side scaled to
 * int(size * long / short), truncated, as torchvision computes it) or an exact (height, width).
 * Bilinear or bicubic with align_corners=False; antialias is off by default, torchvision 0.14's
 * default for tensors. Bicubic output is not clamped, so it may leave [0, 1] slightly, as in torch.
 * An image already of the target size is returned as it is.
 */
public final class Resize implements Transform {
    private final int shorterSide; // > 0 when resizing the shorter side, else -1
    private final int height, width; // exact target when shorterSide == -1
    private final Interpolation interpolation;
    private final boolean antialias;

    /** Shorter side to size, bilinear, no antialias (torchvision's defaults). */
    public Resize(int size) {
        this(size, Interpolation.BILINEAR, false);
    }

    /** Shorter side to size. */
    public Resize(int size, Interpolation interpolation, boolean antialias) {
        this.shorterSide = Checks.positive(size, "resize size");
        this.height = -1;
        this.width = -1;
        this.interpolation = interpolation;
        this.antialias = antialias;
    }

    /** Exactly (height, width). */
    public Resize(int height, int width, Interpolation interpolation, boolean antialias) {
        this.shorterSide = -1;
        this.height = Checks.positive(height, "resize height");
        this.width = Checks.positive(width, "resize width");
        this.interpolation = interpolation;
        this.antialias = antialias;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        if (shorterSide < 0) return resize(image, height, width, interpolation, antialias);
        int[] hw = shorterSideSize(image.height(), image.width(), shorterSide);
        return resize(image, hw[0], hw[1], interpolation, antialias);
    }

    /** torchvision's _compute_resized_output_size for a single size: {newHeight, newWidth}. */
    public static int[] shorterSideSize(int height, int width, int size) {
        int shortSide = Math.min(height, width), longSide = Math.max(height, width);
        int newLong = (int) ((double) size * longSide / shortSide);
        return width <= height ? new int[] {newLong, size} : new int[] {size, newLong};
    }

    /** The image resampled to (height, width), channel by channel, width pass then height pass. */
    public static Image resize(Image image, int height, int width, Interpolation interpolation, boolean antialias) {
        Checks.positive(height, "resize height");
        Checks.positive(width, "resize width");
        if (image.height() == height && image.width() == width) return image;
        int c = image.channels(), ih = image.height(), iw = image.width();
        ResizeWeights wx = ResizeWeights.of(iw, width, interpolation, antialias);
        ResizeWeights wy = ResizeWeights.of(ih, height, interpolation, antialias);
        float[] in = image.pixels();
        double[] rows = new double[ih * width]; // one channel after the width pass: (ih, width)
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * ih * iw;
            for (int y = 0; y < ih; y++) {
                for (int x = 0; x < width; x++) {
                    int[] idx = wx.indices[x];
                    double[] w = wx.weights[x];
                    double s = 0;
                    for (int k = 0; k < idx.length; k++) s += w[k] * in[base + y * iw + idx[k]];
                    rows[y * width + x] = s;
                }
            }
            int outBase = ch * height * width;
            for (int y = 0; y < height; y++) {
                int[] idx = wy.indices[y];
                double[] w = wy.weights[y];
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = 0; k < idx.length; k++) s += w[k] * rows[idx[k] * width + x];
                    out[outBase + y * width + x] = (float) s;
                }
            }
        }
        return new Image(c, height, width, out);
    }
}
