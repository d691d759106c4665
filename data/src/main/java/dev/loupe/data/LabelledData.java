package dev.loupe.data;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Train and test splits of an image data set, with its image geometry and normalisation: what every
 * training and evaluation reads. {@link DataSources} builds the built-in ones.
 *
 * @param name      for logs and reports ("fashion-mnist")
 * @param imageSize side the images are (or are resized) to
 * @param channels  image channels
 * @param mean      per-channel normalisation mean
 * @param std       per-channel normalisation standard deviation
 * @param captioned whether samples carry captions (shapes, csv, webdataset with .txt/.json)
 */
public record LabelledData(
        String name,
        Dataset train,
        Dataset test,
        int imageSize,
        int channels,
        float[] mean,
        float[] std,
        boolean captioned) {
    /** A data set without captions. */
    public LabelledData(
            String name, Dataset train, Dataset test, int imageSize, int channels, float[] mean, float[] std) {
        this(name, train, test, imageSize, channels, mean, std, false);
    }

    public int numClasses() {
        return train.numClasses();
    }

    /** Class names in label order; empty for caption-only sources. */
    public List<String> classNames() {
        return train.classNames();
    }

    public boolean labelled() {
        return numClasses() > 0;
    }

    /** This, or an error saying that {@code purpose} needs labelled data. */
    public LabelledData requireLabels(String purpose) {
        if (!labelled())
            throw new IllegalArgumentException(purpose + " needs class labels, but --data " + name + " has none");
        return this;
    }

    /** This, or an error saying that {@code purpose} needs captions. */
    public LabelledData requireCaptions(String purpose) {
        if (!captioned)
            throw new IllegalArgumentException(purpose + " needs captions, but --data " + name
                    + " has none (use shapes, csv:PATH or wds:PATTERN)");
        return this;
    }

    /** The same data with the test split cut to {@code limit} evenly spaced samples (0: all): a quick try evaluates in seconds. */
    public LabelledData withTestLimit(int limit) {
        return new LabelledData(name, train, EvenSubset.of(test, limit), imageSize, channels, mean, std, captioned);
    }

    /**
     * A validation split in place of the test split: the training split's last {@code n} samples are scored and
     * the rest trained on, so probe inputs and settings can be chosen without reading the test images. The
     * name becomes "NAME-holdoutN" (feature caches keep the two apart).
     */
    public LabelledData withHoldout(int n) {
        if (n < 1 || n >= train.size()) {
            throw new IllegalArgumentException("--holdout " + n + ": " + name + "'s training split has " + train.size()
                    + " samples; hold out between 1 and " + (train.size() - 1));
        }
        int kept = train.size() - n;
        int[] first = IntStream.range(0, kept).toArray();
        int[] last = IntStream.range(kept, train.size()).toArray();
        return new LabelledData(
                name + "-holdout" + n,
                new Subset(train, "first-" + kept, first),
                new Subset(train, "last-" + n, last),
                imageSize,
                channels,
                mean,
                std,
                captioned);
    }

    /** The same data with the training split cut to {@code limit} evenly spaced samples (0: all), see {@link EvenSubset}. */
    public LabelledData withTrainLimit(int limit) {
        return new LabelledData(name, EvenSubset.of(train, limit), test, imageSize, channels, mean, std, captioned);
    }
}
