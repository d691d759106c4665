package dev.loupe.data;

import dev.loupe.data.idx.FashionMnist;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.shapes.ShapesConfig;
import dev.loupe.data.shapes.ShapesSplit;
import dev.loupe.data.source.CaptionCsv;
import dev.loupe.data.source.ImageFolder;
import dev.loupe.data.source.WebDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The built-in data sets as {@link LabelledData}:
 * <ul>
 *   <li>{@link #fashionMnist}: labelled 28x28 grey images, its own test split;</li>
 *   <li>{@link #shapes}: {@link CaptionedShapes}, captioned and labelled RGB images; the test split is by
 *       default one-object images of the (shape, colour) combinations the train split never shows, or
 *       another {@link ShapesSplit} (test-seen, binding); mean/std: per-channel statistics of the first
 *       {@value #SHAPES_STATS_SAMPLES} training images;</li>
 *   <li>{@link #files}: {@code csv:PATH} (open_clip's filepath/title columns, captions, no labels),
 *       {@code wds:PATTERN} (webdataset shards; captions and .cls labels when present), {@code folder:PATH}
 *       (one sub-folder per class, labels, no captions): RGB, resized to a given side, normalised with
 *       CLIP's mean/std; the test split is a second source, or a fraction held out with a fixed seed.</li>
 * </ul>
 */
public final class DataSources {
    /** CLIP's (OpenAI's) RGB normalisation, used for image files. */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** Training images the shapes normalisation statistics are measured on. */
    public static final int SHAPES_STATS_SAMPLES = 512;
    /** The seed of the held-out test split of file sources. */
    public static final long HOLDOUT_SEED = 0x5EEDL;

    /** A data set read from a spec, and whether its samples carry captions. */
    public record Source(Dataset dataset, boolean captioned) {}

    private DataSources() {}

    /** Fashion-MNIST's train and test splits from the IDX files in dir (gzip or raw). */
    public static LabelledData fashionMnist(Path dir) {
        return new LabelledData(
                "fashion-mnist",
                FashionMnist.load(dir, FashionMnist.Split.TRAIN),
                FashionMnist.load(dir, FashionMnist.Split.TEST),
                FashionMnist.SIDE,
                1,
                new float[] {FashionMnist.MEAN},
                new float[] {FashionMnist.STD});
    }

    /** Captioned shapes of {@code size} px: {@code train} and {@code test} images (held-out one-object TEST split) from {@code seed}. */
    public static LabelledData shapes(int size, int train, int test, long seed) {
        return shapes(size, train, test, seed, ShapesSplit.TEST);
    }

    /** Captioned shapes of {@code size} px: {@code train} TRAIN images and {@code test} images of {@code testSplit} from {@code seed}. */
    public static LabelledData shapes(int size, int train, int test, long seed, ShapesSplit testSplit) {
        if (testSplit == ShapesSplit.TRAIN)
            throw new IllegalArgumentException("the shapes test split cannot be the train split");
        CaptionedShapes trainSet = new CaptionedShapes(new ShapesConfig(size, train, seed, 2), ShapesSplit.TRAIN);
        CaptionedShapes testSet = new CaptionedShapes(new ShapesConfig(size, test, seed, 2), testSplit);
        ChannelStats stats = ChannelStats.of(trainSet, Math.min(SHAPES_STATS_SAMPLES, trainSet.size()));
        return new LabelledData("shapes", trainSet, testSet, size, 3, stats.mean(), stats.std(), true);
    }

    /**
     * Image files from {@code spec} (csv:, wds: or folder:), the test split from {@code testSpec}, or when it
     * is null a {@code testFraction} held out with {@link #HOLDOUT_SEED}.
     */
    public static LabelledData files(String spec, String testSpec, double testFraction, int imageSize) {
        if (imageSize < 1) throw new IllegalArgumentException("--image-size must be >= 1, got " + imageSize);
        Source main = open(spec, "--data");
        Dataset train, test;
        if (testSpec != null) {
            train = main.dataset();
            test = open(testSpec, "--test-data").dataset();
        } else {
            if (!(testFraction > 0 && testFraction < 1))
                throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
            Subset.Split split = Subset.holdOut(main.dataset(), testFraction, HOLDOUT_SEED);
            train = split.train();
            test = split.test();
        }
        return new LabelledData(
                main.dataset().name(),
                train,
                test,
                imageSize,
                3,
                CLIP_MEAN.clone(),
                CLIP_STD.clone(),
                main.captioned());
    }

    /**
     * Opens {@code csv:PATH} (or tsv:), {@code wds:PATTERN} or {@code folder:PATH}; {@code what} names the
     * spec in errors ("--data").
     */
    public static Source open(String spec, String what) {
        int colon = spec.indexOf(':');
        String kind = colon < 0
                ? spec.toLowerCase(Locale.ROOT)
                : spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String where = colon < 0 ? "" : spec.substring(colon + 1);
        if (colon >= 0 && where.isBlank())
            throw new IllegalArgumentException(what + " " + spec + ": the path after '" + kind + ":' is empty");
        return switch (kind) {
            case "csv", "tsv" -> {
                Path file = Path.of(where);
                if (!Files.isRegularFile(file))
                    throw new IllegalArgumentException(
                            what + " " + spec + ": caption list " + file + " does not exist");
                yield new Source(CaptionCsv.open(file), true);
            }
            case "wds" -> {
                WebDataset w = WebDataset.open(where);
                if (w.size() == 0)
                    throw new IllegalArgumentException(what + " " + spec + ": the shards hold no samples");
                yield new Source(w, w.get(0).caption() != null);
            }
            case "folder" -> {
                Path dir = Path.of(where);
                if (!Files.isDirectory(dir))
                    throw new IllegalArgumentException(what + " " + spec + ": image folder " + dir + " does not exist");
                yield new Source(ImageFolder.open(dir), false);
            }
            default ->
                throw new IllegalArgumentException("unknown " + what + " '" + spec
                        + "' (supported: fashion-mnist, shapes, csv:PATH, wds:PATTERN, folder:PATH)");
        };
    }
}
