package dev.loupe.run;

import dev.loupe.nn.train.EvalMetrics;
import dev.loupe.nn.train.StepMetrics;

/**
 * How a training invocation ended.
 *
 * @param steps           optimiser steps done in total
 * @param resumedFrom     the step this invocation resumed from, 0 for a fresh run
 * @param lastStep        metrics of the last step taken in this invocation, or null
 * @param lastEval        the last evaluation of this invocation, or null
 * @param wallSeconds     wall time of this invocation
 * @param imagesPerSecond training throughput of this invocation
 */
public record TrainingOutcome(
        long steps,
        long resumedFrom,
        StepMetrics lastStep,
        EvalMetrics lastEval,
        double wallSeconds,
        double imagesPerSecond) {}
