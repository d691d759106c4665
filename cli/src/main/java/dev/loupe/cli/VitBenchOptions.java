package dev.loupe.cli;

import dev.loupe.bench.VitBenchSettings;
import picocli.CommandLine.Option;

/** The ViT and the timing of {@code loupe bench vit}, in the flags of ../shared/anchors/torch_vit_step.py. */
public final class VitBenchOptions {
    @Option(names = "--dim", defaultValue = "192")
    int dim;

    @Option(names = "--depth", defaultValue = "12")
    int depth;

    @Option(names = "--heads", defaultValue = "3")
    int heads;

    @Option(names = "--img", defaultValue = "28")
    int img;

    @Option(names = "--patch", defaultValue = "4")
    int patch;

    @Option(names = "--chans", defaultValue = "1")
    int chans;

    @Option(names = "--batch", defaultValue = "128")
    int batch;

    @Option(names = "--steps", defaultValue = "4")
    int steps;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

    public VitBenchSettings settings() {
        return new VitBenchSettings(dim, depth, heads, img, patch, chans, batch, steps, warmup);
    }
}
