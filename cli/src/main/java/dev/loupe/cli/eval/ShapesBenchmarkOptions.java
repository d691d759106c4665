package dev.loupe.cli.eval;

import dev.loupe.eval.attributes.ShapesBenchmark;
import picocli.CommandLine.Option;

/** The captioned-shapes splits of the attribute benchmark: image side, images per split, seed. */
public final class ShapesBenchmarkOptions {
    @Option(
            names = "--shapes-size",
            defaultValue = "32",
            description = "Image side in pixels, as the weights were trained on (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--shapes-train",
            defaultValue = "5000",
            description = "TRAIN images the probes are fitted on (default ${DEFAULT-VALUE}).")
    int train;

    @Option(
            names = "--shapes-test",
            defaultValue = "1000",
            description =
                    "Images per test split: test-seen, test (held-out pairs), binding (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--shapes-seed", defaultValue = "0", description = "Data seed (default ${DEFAULT-VALUE}).")
    long seed;

    public ShapesBenchmark benchmark() {
        return new ShapesBenchmark(size, train, test, seed);
    }
}
