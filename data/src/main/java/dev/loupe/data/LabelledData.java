package dev.loupe.data;

import java.util.List;

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

    /** The same data with the training split cut to {@code limit} evenly spaced samples (0: all), see {@link EvenSubset}. */
    public LabelledData withTrainLimit(int limit) {
        return new LabelledData(name, EvenSubset.of(train, limit), test, imageSize, channels, mean, std, captioned);
    }
}
