package dev.loupe.nn.train;

/**
 * Where a training step stands, for schedules that objectives own (teacher temperature and momentum,
 * last-layer freezing).
 *
 * @param step          0-based optimiser step about to be taken (equals the restored count on resume)
 * @param totalSteps    steps in the whole run
 * @param epoch         0-based epoch of this step
 * @param stepsPerEpoch optimiser steps per epoch
 */
public record StepInfo(long step, long totalSteps, int epoch, long stepsPerEpoch) {
    /** Fractional epoch: epoch + position inside it. */
    public double epochProgress() { return (double) step / stepsPerEpoch; }
}
