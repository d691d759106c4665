package dev.loupe.cli.train;

import picocli.CommandLine.Option;

/** The projection head of DINO and DINOv2 (MLP, bottleneck, weight-normalised prototypes), scaled down for small images. */
public final class DinoHeadOptions {
    @Option(
            names = "--out-dim",
            defaultValue = "1024",
            description = "Prototypes K of the head (paper 65536; default ${DEFAULT-VALUE}).")
    int outDim;

    @Option(
            names = "--head-hidden",
            defaultValue = "512",
            description = "Head MLP width (paper 2048; default ${DEFAULT-VALUE}).")
    int headHidden;

    @Option(
            names = "--head-bottleneck",
            defaultValue = "128",
            description = "Head bottleneck width (paper 256; default ${DEFAULT-VALUE}).")
    int headBottleneck;
}
