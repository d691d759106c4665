package dev.loupe.data;

/**
 * One item of a data set: an image with whatever labels the source has.
 *
 * @param key     where it came from, for error messages and logs (file path, "train[123]", shard/key)
 * @param image   the decoded image
 * @param label   class index, or {@link #NO_LABEL}
 * @param caption text paired with the image, or null when the source has none
 */
public record Sample(String key, Image image, int label, String caption) {
    public static final int NO_LABEL = -1;

    public Sample {
        if (key == null || image == null) throw new IllegalArgumentException("a sample needs a key and an image");
    }

    public boolean hasLabel() {
        return label != NO_LABEL;
    }

    public boolean hasCaption() {
        return caption != null;
    }

    /** The same sample with another image (what a transform produces). */
    public Sample withImage(Image other) {
        return new Sample(key, other, label, caption);
    }
}
