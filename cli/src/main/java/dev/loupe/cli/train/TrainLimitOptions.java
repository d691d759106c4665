package dev.loupe.cli.train;

import picocli.CommandLine.Option;

/** Self-supervised training on part of the training split, so that short runs still see whole epochs. */
public final class TrainLimitOptions {
    @Option(
            names = "--train-limit",
            defaultValue = "0",
            description =
                    "Train on this many evenly spaced training images (0: all; default ${DEFAULT-VALUE}). "
                            + "Epoch-based schedules (warm-ups, last-layer freeze, evaluation at epoch ends) then count epochs of the subset.")
    public int trainLimit;
}
