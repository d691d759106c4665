package dev.loupe.eval.attributes;

import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.shapes.ShapesConfig;
import dev.loupe.data.shapes.ShapesSplit;

/**
 * The captioned-shapes splits the attribute probes read ({@link CaptionedShapes}, {@link ShapesSplit}):
 * probes are fitted on {@code trainCount} TRAIN images and measured on {@code testCount} images of each of
 * TEST_SEEN (one object, seen pairs), TEST (one object, held-out pairs) and BINDING (two objects).
 * The same seed and size as a training run give its own training images.
 *
 * @param imageSize  image side in pixels
 * @param trainCount TRAIN images the probes are fitted on
 * @param testCount  images per test split
 * @param seed       the data set's seed
 */
public record ShapesBenchmark(int imageSize, int trainCount, int testCount, long seed) {
    public ShapesBenchmark {
        if (trainCount < 1 || testCount < 1)
            throw new IllegalArgumentException(
                    "shapes benchmark: need train and test images, got " + trainCount + " and " + testCount);
    }

    public CaptionedShapes train() {
        return split(trainCount, ShapesSplit.TRAIN);
    }

    public CaptionedShapes testSeen() {
        return split(testCount, ShapesSplit.TEST_SEEN);
    }

    public CaptionedShapes testHeldOut() {
        return split(testCount, ShapesSplit.TEST);
    }

    public CaptionedShapes binding() {
        return split(testCount, ShapesSplit.BINDING);
    }

    /** The train and held-out test split with the normalisation a training run on them uses. */
    public LabelledData labelledData() {
        return DataSources.shapes(imageSize, trainCount, testCount, seed);
    }

    private CaptionedShapes split(int count, ShapesSplit split) {
        return new CaptionedShapes(new ShapesConfig(imageSize, count, seed, 2), split);
    }
}
