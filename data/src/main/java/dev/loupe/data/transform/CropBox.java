package dev.loupe.data.transform;

/**
 * A crop rectangle in pixels, torchvision's (i, j, h, w) from get_params.
 *
 * @param top    first row
 * @param left   first column
 * @param height rows
 * @param width  columns
 */
public record CropBox(int top, int left, int height, int width) {
    public CropBox {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop box must have a positive size, got " + height + "x" + width);
        }
    }

    /** The pixel count height * width. */
    public long area() {
        return (long) height * width;
    }
}
