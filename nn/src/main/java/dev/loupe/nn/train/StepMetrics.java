package dev.loupe.nn.train;

import java.util.Map;

/**
 * What one optimiser step did, for logs, metrics.jsonl and progress bars.
 *
 * @param step            optimiser steps done so far, this one included (1-based)
 * @param totalSteps      steps in the whole run
 * @param epoch           0-based epoch of this step
 * @param loss            the step's loss
 * @param lr              learning rate used
 * @param weightDecay     weight decay used
 * @param gradNorm        global gradient L2 norm before clipping, NaN unless clipping by global norm
 * @param imagesPerSecond samples per second since this trainer started (or resumed)
 * @param objective       the objective's extra scalars ({@link Objective#metrics()})
 */
public record StepMetrics(
        long step,
        long totalSteps,
        int epoch,
        double loss,
        double lr,
        double weightDecay,
        double gradNorm,
        double imagesPerSecond,
        Map<String, Double> objective) {}
