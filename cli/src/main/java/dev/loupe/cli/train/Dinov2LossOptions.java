package dev.loupe.cli.train;

import dev.loupe.ssl.dinov2.Centering;
import dev.loupe.ssl.dinov2.Dinov2Config;
import picocli.CommandLine.Option;

/** The terms DINOv2 adds to DINO's loss (iBOT, KoLeo) and how its teacher targets are centred. */
public final class Dinov2LossOptions {
    @Option(
            names = "--ibot",
            defaultValue = "1.0",
            description = "Weight of the iBOT masked-patch loss (default ${DEFAULT-VALUE}).")
    double ibotWeight;

    @Option(
            names = "--koleo",
            defaultValue = "0.1",
            description = "Weight of the KoLeo regulariser (default ${DEFAULT-VALUE}).")
    double koleoWeight;

    @Option(names = "--sinkhorn", description = "Sinkhorn-Knopp targets instead of softmax centring.")
    boolean sinkhorn;

    /** config with these loss weights and centring. */
    public Dinov2Config apply(Dinov2Config config) {
        return config.withLossWeights(ibotWeight, koleoWeight)
                .withCentering(sinkhorn ? Centering.SINKHORN_KNOPP : Centering.SOFTMAX);
    }
}
