package dev.loupe.nn.train;

import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;

/**
 * Where a training step stands, for schedules that objectives own (teacher temperature and momentum,
 * last-layer freezing), and the step's own random stream.
 *
 * @param step          0-based optimiser step about to be taken (equals the restored count on resume)
 * @param totalSteps    steps in the whole run
 * @param epoch         0-based epoch of this step
 * @param stepsPerEpoch optimiser steps per epoch
 * @param seed          the run's seed ({@link TrainerConfig#seed})
 */
public record StepInfo(long step, long totalSteps, int epoch, long stepsPerEpoch, long seed) {
    /** Separates {@link #rng} from the trainer's drop-path stream, which is seeded by (seed, step) too. */
    private static final long SALT = 0x6d61736b73L;

    /** A step of a run with seed 0. */
    public StepInfo(long step, long totalSteps, int epoch, long stepsPerEpoch) {
        this(step, totalSteps, epoch, stepsPerEpoch, 0L);
    }

    /** Fractional epoch: epoch + position inside it. */
    public double epochProgress() {
        return (double) step / stepsPerEpoch;
    }

    /**
     * A generator for this step's random draws (MAE's masking noise, DINOv2's block masks), seeded by
     * (seed, step) alone: a checkpoint holds no generator state, so this is what lets a resumed run draw
     * what the straight run drew. Every call returns a new generator at the same start.
     */
    public Rng rng() {
        return new Rng(Module.mixSeed(Module.mixSeed(seed, SALT), step));
    }
}
