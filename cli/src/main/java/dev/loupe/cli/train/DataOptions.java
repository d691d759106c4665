package dev.loupe.cli.train;

import dev.loupe.data.Dataset;
import dev.loupe.data.idx.FashionMnist;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** Which labelled data set to use: {@code --data fashion-mnist [--data-dir DIR]}. */
public final class DataOptions {
    /** Train and test splits of a labelled image data set, with its image geometry and normalisation. */
    public record LabelledData(String name, Dataset train, Dataset test, int imageSize, int channels, float[] mean, float[] std) {
        public int numClasses() { return train.numClasses(); }
    }

    @Option(names = "--data", required = true, description = "Data set: fashion-mnist.")
    public String data;

    @Option(names = "--data-dir", description = "Where the data set's files are (fashion-mnist: default /usr/share/datasets/fashion-mnist).")
    public Path dataDir;

    public LabelledData load() {
        return switch (data.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist", "fashion_mnist", "fmnist" -> {
                Path dir = dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR;
                yield new LabelledData("fashion-mnist", FashionMnist.load(dir, FashionMnist.Split.TRAIN), FashionMnist.load(dir, FashionMnist.Split.TEST),
                        FashionMnist.SIDE, 1, new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD});
            }
            default -> throw new IllegalArgumentException("unknown --data '" + data + "' (supported: fashion-mnist)");
        };
    }
}
