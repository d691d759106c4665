package dev.loupe.data.transform;

import dev.loupe.data.Image;

/** Border padding as torch.nn.functional.pad on (C, H, W): zeros, or reflection without repeating the edge. */
public final class Padding {
    private Padding() {}

    /** Zero padding of left/top/right/bottom pixels (torchvision's pad with fill 0). */
    public static Image zeros(Image image, int left, int top, int right, int bottom) {
        return pad(image, left, top, right, bottom, false);
    }

    /** Reflect padding (index -1 reads 1, index W reads W - 2); every pad must be smaller than the side it extends. */
    public static Image reflect(Image image, int left, int top, int right, int bottom) {
        if (Math.max(left, right) >= image.width() || Math.max(top, bottom) >= image.height()) {
            throw new IllegalArgumentException("reflect padding (" + left + ", " + top + ", " + right + ", " + bottom
                    + ") must be smaller than the image sides of " + image);
        }
        return pad(image, left, top, right, bottom, true);
    }

    private static Image pad(Image image, int left, int top, int right, int bottom, boolean reflect) {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException(
                    "padding must be >= 0, got (" + left + ", " + top + ", " + right + ", " + bottom + ")");
        }
        int c = image.channels(), ih = image.height(), iw = image.width();
        int h = ih + top + bottom, w = iw + left + right;
        float[] in = image.pixels(), out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = reflect ? reflectIndex(y - top, ih) : y - top;
                if (sy < 0 || sy >= ih) continue;
                for (int x = 0; x < w; x++) {
                    int sx = reflect ? reflectIndex(x - left, iw) : x - left;
                    if (sx < 0 || sx >= iw) continue;
                    out[(ch * h + y) * w + x] = in[(ch * ih + sy) * iw + sx];
                }
            }
        }
        return new Image(c, h, w, out);
    }

    private static int reflectIndex(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }
}
