package dev.loupe.cli.train;

import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import dev.loupe.data.idx.FashionMnist;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.shapes.ShapesConfig;
import dev.loupe.data.shapes.ShapesSplit;
import dev.loupe.data.source.CaptionCsv;
import dev.loupe.data.source.ImageFolder;
import dev.loupe.data.source.WebDataset;
import dev.loupe.tensor.Rng;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which data set to use:
 * <ul>
 *   <li>{@code fashion-mnist [--data-dir DIR]}: labelled 28x28 grey images, its own test split;</li>
 *   <li>{@code shapes}: {@link CaptionedShapes}, captioned and labelled RGB images; {@code --shapes-train N}
 *       and {@code --shapes-test N} samples, {@code --shapes-size} px, {@code --shapes-seed}; the test split
 *       holds the (shape, colour) combinations the train split never shows. Mean/std: per-channel
 *       statistics of the first {@value #SHAPES_STATS_SAMPLES} training images.</li>
 *   <li>{@code csv:PATH} (open_clip's filepath/title columns, captions, no labels), {@code wds:PATTERN}
 *       (webdataset shards; captions and .cls labels when present), {@code folder:PATH} (one sub-folder per
 *       class, labels, no captions): RGB, resized to {@code --image-size}, normalised with CLIP's mean/std.
 *       The test split is {@code --test-data SOURCE} when given, else a {@code --test-fraction} of the
 *       samples drawn with a fixed seed (the train split is the rest).</li>
 * </ul>
 */
public final class DataOptions {
    /** CLIP's (OpenAI's) RGB normalisation, used for image files. */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** Training images the shapes normalisation statistics are measured on. */
    public static final int SHAPES_STATS_SAMPLES = 512;
    private static final long HOLDOUT_SEED = 0x5EEDL;

    /**
     * Train and test splits of an image data set, with its image geometry and normalisation.
     *
     * @param captioned whether samples carry captions (shapes, csv, webdataset with .txt/.json)
     */
    public record LabelledData(String name, Dataset train, Dataset test, int imageSize, int channels, float[] mean, float[] std,
                               boolean captioned) {
        /** A data set without captions. */
        public LabelledData(String name, Dataset train, Dataset test, int imageSize, int channels, float[] mean, float[] std) {
            this(name, train, test, imageSize, channels, mean, std, false);
        }

        public int numClasses() { return train.numClasses(); }

        /** Class names in label order; empty for caption-only sources. */
        public List<String> classNames() { return train.classNames(); }

        public boolean labelled() { return numClasses() > 0; }

        /** This, or an error saying that {@code purpose} needs labelled data. */
        public LabelledData requireLabels(String purpose) {
            if (!labelled()) throw new IllegalArgumentException(purpose + " needs class labels, but --data " + name + " has none");
            return this;
        }

        /** This, or an error saying that {@code purpose} needs captions. */
        public LabelledData requireCaptions(String purpose) {
            if (!captioned) throw new IllegalArgumentException(purpose + " needs captions, but --data " + name + " has none (use shapes, csv:PATH or wds:PATTERN)");
            return this;
        }
    }

    @Option(names = "--data", required = true, description = "Data set: fashion-mnist, shapes, csv:PATH, wds:PATTERN or folder:PATH.")
    public String data;

    @Option(names = "--data-dir", description = "Where the data set's files are (fashion-mnist: default /usr/share/datasets/fashion-mnist).")
    public Path dataDir;

    @Option(names = "--test-data", description = "csv/wds/folder: the test split's source (same forms as --data); default: --test-fraction of --data.")
    public String testData;

    @Option(names = "--test-fraction", defaultValue = "0.05", description = "csv/wds/folder without --test-data: fraction held out as test split (default ${DEFAULT-VALUE}).")
    public double testFraction;

    @Option(names = "--image-size", defaultValue = "224", description = "csv/wds/folder: side images are cropped/resized to (default ${DEFAULT-VALUE}).")
    public int imageSize;

    @Option(names = "--shapes-train", defaultValue = "20000", description = "shapes: training images (default ${DEFAULT-VALUE}).")
    public int shapesTrain;

    @Option(names = "--shapes-test", defaultValue = "2000", description = "shapes: test images, held-out shape/colour pairs (default ${DEFAULT-VALUE}).")
    public int shapesTest;

    @Option(names = "--shapes-size", defaultValue = "32", description = "shapes: image side in pixels (default ${DEFAULT-VALUE}).")
    public int shapesSize;

    @Option(names = "--shapes-seed", defaultValue = "0", description = "shapes: generator seed (default ${DEFAULT-VALUE}).")
    public long shapesSeed;

    /** Loads the data set, labelled or not. */
    public LabelledData load() {
        String lower = data.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "fashion-mnist", "fashion_mnist", "fmnist" -> {
                Path dir = dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR;
                yield new LabelledData("fashion-mnist", FashionMnist.load(dir, FashionMnist.Split.TRAIN), FashionMnist.load(dir, FashionMnist.Split.TEST),
                        FashionMnist.SIDE, 1, new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD});
            }
            case "shapes" -> shapes();
            default -> files();
        };
    }

    /** Loads the data set and fails unless it has class labels ({@code purpose} names what needs them). */
    public LabelledData loadLabelled(String purpose) { return load().requireLabels(purpose); }

    private LabelledData shapes() {
        CaptionedShapes train = new CaptionedShapes(new ShapesConfig(shapesSize, shapesTrain, shapesSeed, 2), ShapesSplit.TRAIN);
        CaptionedShapes test = new CaptionedShapes(new ShapesConfig(shapesSize, shapesTest, shapesSeed, 2), ShapesSplit.TEST);
        float[][] stats = channelStats(train, Math.min(SHAPES_STATS_SAMPLES, train.size()));
        return new LabelledData("shapes", train, test, shapesSize, 3, stats[0], stats[1], true);
    }

    private LabelledData files() {
        if (imageSize < 1) throw new IllegalArgumentException("--image-size must be >= 1, got " + imageSize);
        Source main = open(data, "--data");
        Dataset train, test;
        if (testData != null) {
            train = main.dataset();
            test = open(testData, "--test-data").dataset();
        } else {
            if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
            int n = main.dataset().size();
            int nTest = (int) Math.round(n * testFraction);
            if (nTest < 1 || nTest >= n) {
                throw new IllegalArgumentException("--data " + data + " has " + n + " samples: too few to hold out a test fraction of " + testFraction
                        + "; pass --test-data");
            }
            int[] order = new Rng(HOLDOUT_SEED).permutation(n);
            test = new Subset(main.dataset(), "test", java.util.Arrays.copyOfRange(order, 0, nTest));
            int[] rest = java.util.Arrays.copyOfRange(order, nTest, n);
            java.util.Arrays.sort(rest);
            train = new Subset(main.dataset(), "train", rest);
        }
        return new LabelledData(main.dataset().name(), train, test, imageSize, 3, CLIP_MEAN.clone(), CLIP_STD.clone(), main.captioned());
    }

    private record Source(Dataset dataset, boolean captioned) {}

    private static Source open(String spec, String flag) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec.toLowerCase(Locale.ROOT) : spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String where = colon < 0 ? "" : spec.substring(colon + 1);
        if (colon >= 0 && where.isBlank()) throw new IllegalArgumentException(flag + " " + spec + ": the path after '" + kind + ":' is empty");
        return switch (kind) {
            case "csv", "tsv" -> {
                Path file = Path.of(where);
                if (!Files.isRegularFile(file)) throw new IllegalArgumentException(flag + " " + spec + ": caption list " + file + " does not exist");
                yield new Source(CaptionCsv.open(file), true);
            }
            case "wds" -> {
                WebDataset w = WebDataset.open(where);
                if (w.size() == 0) throw new IllegalArgumentException(flag + " " + spec + ": the shards hold no samples");
                Sample first = w.get(0);
                yield new Source(w, first.caption() != null);
            }
            case "folder" -> {
                Path dir = Path.of(where);
                if (!Files.isDirectory(dir)) throw new IllegalArgumentException(flag + " " + spec + ": image folder " + dir + " does not exist");
                yield new Source(ImageFolder.open(dir), false);
            }
            default -> throw new IllegalArgumentException("unknown " + flag + " '" + spec
                    + "' (supported: fashion-mnist, shapes, csv:PATH, wds:PATTERN, folder:PATH)");
        };
    }

    /** Per-channel mean and (population) standard deviation of the first {@code count} images: {mean, std}. */
    static float[][] channelStats(Dataset d, int count) {
        int channels = d.get(0).image().channels();
        double[] sum = new double[channels], sumSq = new double[channels];
        long[] n = new long[channels];
        for (int i = 0; i < count; i++) {
            var im = d.get(i).image();
            int plane = im.height() * im.width();
            float[] p = im.pixels();
            for (int c = 0; c < channels; c++) {
                for (int j = c * plane; j < (c + 1) * plane; j++) {
                    sum[c] += p[j];
                    sumSq[c] += (double) p[j] * p[j];
                }
                n[c] += plane;
            }
        }
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n[c];
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(sumSq[c] / n[c] - m * m, 1e-12));
        }
        return new float[][] {mean, std};
    }


    /** The samples of a data set at fixed indices, in that order. */
    static final class Subset implements Dataset {
        private final Dataset base;
        private final String name;
        private final int[] indices;

        Subset(Dataset base, String split, int[] indices) {
            this.base = base;
            this.name = base.name() + "/" + split;
            this.indices = indices;
        }

        @Override
        public String name() { return name; }

        @Override
        public int size() { return indices.length; }

        @Override
        public Sample get(int index) { return base.get(indices[index]); }

        @Override
        public List<String> classNames() { return base.classNames(); }
    }
}
