package dev.loupe.cli.train;

import dev.loupe.eval.knn.KnnMonitor;
import picocli.CommandLine.Option;

/** The kNN monitor of self-supervised training: how many images, which k, what batch. */
public final class KnnMonitorOptions {
    @Option(
            names = "--knn-train",
            defaultValue = "10000",
            description =
                    "Training images (evenly spaced) the monitor's kNN searches (0: all; default ${DEFAULT-VALUE}).")
    public int trainImages;

    @Option(
            names = "--knn-test",
            defaultValue = "2000",
            description =
                    "Test images (evenly spaced) the monitor's kNN classifies (0: all; default ${DEFAULT-VALUE}).")
    public int testImages;

    @Option(
            names = "--knn-k",
            defaultValue = "20",
            description = "Neighbours of the monitor's weighted kNN (temperature 0.07; default ${DEFAULT-VALUE}).")
    public int k;

    @Option(
            names = "--eval-batch",
            defaultValue = "256",
            description = "Images per forward pass when extracting the monitor's features (default ${DEFAULT-VALUE}).")
    public int evalBatch;

    public KnnMonitor.Settings settings() {
        return new KnnMonitor.Settings(trainImages, testImages, k, evalBatch);
    }
}
