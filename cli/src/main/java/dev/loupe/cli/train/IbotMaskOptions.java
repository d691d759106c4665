package dev.loupe.cli.train;

import dev.loupe.ssl.dinov2.Dinov2Config;
import picocli.CommandLine.Option;

/** DINOv2's block masks for the iBOT loss: which share of global crops gets one, and its range of ratios. */
public final class IbotMaskOptions {
    @Option(
            names = "--mask-probability",
            defaultValue = "0.5",
            description = "Share of global crops that get a block mask (default ${DEFAULT-VALUE}).")
    double maskProbability;

    @Option(
            names = "--mask-ratio-min",
            defaultValue = "0.1",
            description = "Smallest mask ratio (default ${DEFAULT-VALUE}).")
    double maskRatioMin;

    @Option(
            names = "--mask-ratio-max",
            defaultValue = "0.5",
            description = "Largest mask ratio (default ${DEFAULT-VALUE}).")
    double maskRatioMax;

    /** config with these masks. */
    public Dinov2Config apply(Dinov2Config config) {
        return config.withMasking(maskProbability, maskRatioMin, maskRatioMax);
    }
}
