package dev.loupe.eval.supervised;

import dev.loupe.eval.report.ConfusionMatrix;

/**
 * What {@link Accuracy} measured.
 *
 * @param top1      fraction of samples whose highest logit is their label
 * @param correct   samples classified correctly
 * @param total     samples evaluated
 * @param confusion counts of (true, predicted) classes
 */
public record AccuracyResult(double top1, long correct, long total, ConfusionMatrix confusion) {}
