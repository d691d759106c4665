package dev.loupe.data.idx;

import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST (Xiao et al. 2017): 28x28 grey images of clothing in 10 classes, 60,000 for training
 * and 10,000 for testing, read from the four standard IDX files (gzip or raw). All pixels stay in one
 * byte array (47 MB for the training split); {@link #get} decodes one image to floats in [0, 1]
 * (byte / 255) as a 1x28x28 {@link Image}, like torchvision's ToTensor. Samples are named
 * "fashion-mnist/train[123]" or "fashion-mnist/test[123]".
 *
 * <p>Thread safety: immutable after {@link #load}; {@link #get} may run on any number of threads.
 */
public final class FashionMnist implements Dataset {
    /** Where the Debian package dataset-fashion-mnist installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** What to tell a user whose files are missing. */
    public static final String INSTALL_HINT =
            "install it with: apt-get install dataset-fashion-mnist (or pass --data-dir DIR)";

    /**
     * Mean of the training pixels after ToTensor (byte / 255). Measured on the 47,040,000 training
     * pixels of the files from dataset-fashion-mnist: mean 0.286041, std 0.353024 (population); the test
     * split gives 0.286849 and 0.352444. Rounded to 4 places as Normalize((0.2860,), (0.3530,)) usually is.
     */
    public static final float MEAN = 0.2860f;

    /** Standard deviation of the training pixels after ToTensor; see {@link #MEAN} for the measurement. */
    public static final float STD = 0.3530f;

    /** The image side in pixels. */
    public static final int SIDE = 28;

    /** Class names in label order. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Which half of the data set. */
    public enum Split {
        TRAIN("train", "train"),
        TEST("test", "t10k");

        private final String label;
        private final String filePrefix;

        Split(String label, String filePrefix) {
            this.label = label;
            this.filePrefix = filePrefix;
        }

        /** The image file's name without ".gz" ("train-images-idx3-ubyte"). */
        public String imagesFile() {
            return filePrefix + "-images-idx3-ubyte";
        }

        /** The label file's name without ".gz" ("train-labels-idx1-ubyte"). */
        public String labelsFile() {
            return filePrefix + "-labels-idx1-ubyte";
        }

        /** "train" or "test". */
        public String label() {
            return label;
        }
    }

    private static final int PIXELS = SIDE * SIDE;

    private final String name;
    private final byte[] pixels; // (N, 28, 28) unsigned bytes
    private final byte[] labels; // (N) unsigned bytes in 0..9

    private FashionMnist(String name, byte[] pixels, byte[] labels) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** The split from {@link #DEFAULT_DIR}. */
    public static FashionMnist load(Split split) {
        return load(DEFAULT_DIR, split);
    }

    /**
     * Reads a split from dir, where each file may be gzip-compressed (name ending in ".gz") or raw.
     *
     * @throws IllegalArgumentException when the directory or a file is missing (the message names it and
     *                                  says how to install the data)
     * @throws IdxFormatException       when a file is not a valid IDX file or the two files disagree
     */
    public static FashionMnist load(Path dir, Split split) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "Fashion-MNIST directory " + dir.toAbsolutePath() + " does not exist; " + INSTALL_HINT);
        }
        IdxFile images = IdxFile.readImages(find(dir, split.imagesFile()));
        IdxFile labels = IdxFile.readLabels(find(dir, split.labelsFile()));
        if (images.size(1) != SIDE || images.size(2) != SIDE) {
            throw new IdxFormatException(images.fileName() + ": expected " + SIDE + "x" + SIDE + " images, header says "
                    + images.size(1) + "x" + images.size(2));
        }
        if (images.size(0) != labels.size(0)) {
            throw new IdxFormatException(labels.fileName() + ": expected " + images.size(0)
                    + " labels (one per image in " + images.fileName() + "), found " + labels.size(0));
        }
        byte[] labelBytes = labels.data();
        for (int i = 0; i < labelBytes.length; i++) {
            int label = labelBytes[i] & 0xFF;
            if (label >= CLASS_NAMES.size()) {
                throw new IdxFormatException(labels.fileName() + ": label " + label + " at index " + i
                        + " is outside 0.." + (CLASS_NAMES.size() - 1));
            }
        }
        return new FashionMnist("fashion-mnist/" + split.label(), images.data(), labelBytes);
    }

    /** The raw file if present, else the gzip one; a missing pair is reported with the install hint. */
    private static Path find(Path dir, String baseName) {
        Path raw = dir.resolve(baseName);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        throw new IllegalArgumentException("Fashion-MNIST file " + baseName + ".gz (or " + baseName
                + ") is missing from " + dir.toAbsolutePath() + "; " + INSTALL_HINT);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Sample get(int index) {
        Objects.checkIndex(index, labels.length);
        float[] values = new float[PIXELS];
        int base = index * PIXELS;
        for (int p = 0; p < PIXELS; p++) values[p] = (pixels[base + p] & 0xFF) / 255f;
        return new Sample(name + "[" + index + "]", new Image(1, SIDE, SIDE, values), label(index), null);
    }

    /** The class index of sample i, without decoding its image. */
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)] & 0xFF;
    }

    @Override
    public List<String> classNames() {
        return CLASS_NAMES;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images)";
    }
}
