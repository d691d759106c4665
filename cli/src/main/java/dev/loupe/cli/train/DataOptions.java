package dev.loupe.cli.train;

import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.idx.FashionMnist;
import dev.loupe.data.shapes.ShapesSplit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which data set to use ({@link DataSources} builds it): {@code fashion-mnist [--data-dir DIR]},
 * {@code shapes} ({@code --shapes-train N --shapes-test N --shapes-size PX --shapes-seed S
 * --shapes-test-split test|test-seen|binding}), or image
 * files {@code csv:PATH}, {@code wds:PATTERN}, {@code folder:PATH} resized to {@code --image-size}, with
 * {@code --test-data SOURCE} or a held-out {@code --test-fraction}.
 */
public final class DataOptions {
    @Option(
            names = "--data",
            required = true,
            description = "Data set: fashion-mnist, shapes, csv:PATH, wds:PATTERN or folder:PATH.")
    public String data;

    @Option(
            names = "--data-dir",
            description = "Where the data set's files are (fashion-mnist: default /usr/share/datasets/fashion-mnist).")
    public Path dataDir;

    @Option(
            names = "--test-data",
            description =
                    "csv/wds/folder: the test split's source (same forms as --data); default: --test-fraction of --data.")
    public String testData;

    @Option(
            names = "--test-fraction",
            defaultValue = "0.05",
            description =
                    "csv/wds/folder without --test-data: fraction held out as test split (default ${DEFAULT-VALUE}).")
    public double testFraction;

    @Option(
            names = "--image-size",
            defaultValue = "224",
            description = "csv/wds/folder: side images are cropped/resized to (default ${DEFAULT-VALUE}).")
    public int imageSize;

    @Option(
            names = "--shapes-train",
            defaultValue = "20000",
            description = "shapes: training images (default ${DEFAULT-VALUE}).")
    public int shapesTrain;

    @Option(
            names = "--shapes-test",
            defaultValue = "2000",
            description = "shapes: test images, held-out shape/colour pairs (default ${DEFAULT-VALUE}).")
    public int shapesTest;

    @Option(
            names = "--shapes-test-split",
            defaultValue = "test",
            description =
                    "shapes: the test split: test (one object, held-out shape/colour pairs), test-seen (one object, seen pairs) or binding (two objects) (default ${DEFAULT-VALUE}).")
    public String shapesTestSplit;

    @Option(
            names = "--shapes-size",
            defaultValue = "32",
            description = "shapes: image side in pixels (default ${DEFAULT-VALUE}).")
    public int shapesSize;

    @Option(
            names = "--shapes-seed",
            defaultValue = "0",
            description = "shapes: generator seed (default ${DEFAULT-VALUE}).")
    public long shapesSeed;

    @Option(
            names = "--test-limit",
            defaultValue = "0",
            description =
                    "Evaluate on this many evenly spaced test images (0: all; default ${DEFAULT-VALUE}): a quick try in seconds.")
    public int testLimit;

    /** Loads the data set, labelled or not. */
    public LabelledData load() {
        if (testLimit < 0) throw new IllegalArgumentException("--test-limit must be >= 0, got " + testLimit);
        LabelledData d =
                switch (data.toLowerCase(Locale.ROOT)) {
                    case "fashion-mnist", "fashion_mnist", "fmnist" ->
                        DataSources.fashionMnist(dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR);
                    case "shapes" ->
                        DataSources.shapes(
                                shapesSize, shapesTrain, shapesTest, shapesSeed, ShapesSplit.of(shapesTestSplit));
                    default -> DataSources.files(data, testData, testFraction, imageSize);
                };
        return d.withTestLimit(testLimit);
    }

    /** The data options as config.json records them ("data", the shapes generator or the test split, "image_size"). */
    public Map<String, Object> settings(LabelledData loaded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        if (data.equalsIgnoreCase("shapes")) {
            m.put("shapes_train", shapesTrain);
            m.put("shapes_test", shapesTest);
            m.put("shapes_size", shapesSize);
            m.put("shapes_seed", Long.toString(shapesSeed));
        } else {
            m.put("test_data", testData);
            m.put("test_fraction", testData == null ? testFraction : null);
        }
        m.put("image_size", loaded.imageSize());
        return m;
    }

    /** Loads the data set and fails unless it has class labels ({@code purpose} names what needs them). */
    public LabelledData loadLabelled(String purpose) {
        return load().requireLabels(purpose);
    }
}
