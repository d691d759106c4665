package dev.loupe.data.shapes;

/**
 * Settings of a {@link CaptionedShapes} data set.
 *
 * @param imageSize  side of the square RGB images in pixels (16 or more; 32 or 64 are usual)
 * @param count      samples per split
 * @param seed       everything is a function of (seed, split, index)
 * @param maxObjects 1 or 2 objects per image
 */
public record ShapesConfig(int imageSize, int count, long seed, int maxObjects) {
    public static final int DEFAULT_IMAGE_SIZE = 32;

    public ShapesConfig {
        if (imageSize < 16) throw new IllegalArgumentException("shapes imageSize must be >= 16, got " + imageSize);
        if (count <= 0) throw new IllegalArgumentException("shapes count must be > 0, got " + count);
        if (maxObjects != 1 && maxObjects != 2)
            throw new IllegalArgumentException("shapes maxObjects must be 1 or 2, got " + maxObjects);
    }

    /** 32x32 images with one or two objects. */
    public static ShapesConfig of(int count, long seed) {
        return new ShapesConfig(DEFAULT_IMAGE_SIZE, count, seed, 2);
    }
}
