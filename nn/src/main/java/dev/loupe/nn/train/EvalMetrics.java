package dev.loupe.nn.train;

import java.util.Map;

/**
 * The result of an evaluation during training.
 *
 * @param step    optimiser steps done when it ran
 * @param epoch   epoch it belongs to (0-based; an end-of-epoch evaluation carries the finished epoch)
 * @param values  named scalars, e.g. "test_accuracy"
 */
public record EvalMetrics(long step, int epoch, Map<String, Double> values) {}
