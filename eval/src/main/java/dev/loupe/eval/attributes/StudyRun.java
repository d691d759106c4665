package dev.loupe.eval.attributes;

/**
 * One trained model of a compute study: how it was trained and what the probes read from it.
 *
 * @param method            dino, mae, simclr, clip, slip, ...
 * @param tower             the image tower in words ("vit dim 64 depth 4 patch 4")
 * @param imagesSeen        training images drawn (steps x batch)
 * @param flopsPerStep      image-tower training FLOPs of one step (forward + backward, every view)
 * @param steps             optimiser steps
 * @param table             its attribute probes
 */
public record StudyRun(
        String method, String tower, long imagesSeen, double flopsPerStep, long steps, AttributeTable table) {
    /** Training FLOPs of the whole run. */
    public double totalFlops() {
        return flopsPerStep * steps;
    }
}
