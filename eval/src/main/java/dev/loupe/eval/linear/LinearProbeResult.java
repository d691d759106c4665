package dev.loupe.eval.linear;

/**
 * Outcome of a linear probe.
 *
 * @param top1        test accuracy in percent
 * @param top5        percent of test samples whose label is among the 5 highest logits; NaN with fewer than 5 classes
 * @param predictions argmax class of every test sample, (N_test)
 * @param epochLoss   mean training cross-entropy of each epoch
 * @param head        the trained head (eval mode)
 */
public record LinearProbeResult(double top1, double top5, int[] predictions, double[] epochLoss, ProbeHead head) {}
