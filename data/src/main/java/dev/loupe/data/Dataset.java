package dev.loupe.data;

import java.util.List;

/**
 * A finite, random-access data set. {@link #get} decodes on demand and may be called from several
 * threads at once; implementations keep no per-call mutable state.
 */
public interface Dataset {
    /** A short name for logs and reports ("fashion-mnist/train"). */
    String name();

    /** The number of samples. */
    int size();

    /**
     * The sample at index (0 <= index < size()).
     *
     * @throws BadSampleException when the stored sample cannot be decoded (names the file and the reason)
     */
    Sample get(int index);

    /**
     * The caption of the sample at index, or null when it has none, without decoding the image where
     * the format allows (webdataset shards, caption lists, the synthetic shapes): what a tokenizer pass
     * over the captions reads. The default decodes the whole sample.
     *
     * @throws BadSampleException when the caption cannot be read (an empty caption, malformed JSON)
     */
    default String caption(int index) {
        return get(index).caption();
    }

    /** Class names in label order; empty when the data set has no labels. */
    List<String> classNames();

    default int numClasses() {
        return classNames().size();
    }
}
