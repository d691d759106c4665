package dev.loupe.cli.train;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;

import java.util.Map;

/**
 * An objective whose per-step randomness (MAE's masking noise, DINOv2's block masks) is drawn from an
 * Rng seeded by (run seed, step) instead of a stream that lives across steps. A checkpoint holds no
 * Rng state, so this is what makes a resumed MAE or DINOv2 run draw the same masks as the straight
 * run. Everything else is the wrapped objective's.
 */
final class StepSeededObjective implements Objective<Batch> {
    /** The wrapped objective's loss with the step's masks drawn from {@code rng}. */
    @FunctionalInterface
    interface SeededLoss {
        Var loss(Batch batch, StepInfo step, Rng rng);
    }

    /** Separates this stream from the trainer's drop-path stream, which is seeded by (seed, step) too. */
    private static final long SALT = 0x6d61736b73L;

    private final Objective<Batch> inner;
    private final long seed;
    private final SeededLoss seededLoss;

    StepSeededObjective(Objective<Batch> inner, long seed, SeededLoss seededLoss) {
        this.inner = inner;
        this.seed = Module.mixSeed(seed, SALT);
        this.seededLoss = seededLoss;
    }

    @Override
    public Module module() { return inner.module(); }

    @Override
    public Map<String, Var> trainableParameters() { return inner.trainableParameters(); }

    @Override
    public Var loss(Batch batch, StepInfo step) { return seededLoss.loss(batch, step, new Rng(Module.mixSeed(seed, step.step()))); }

    @Override
    public void beforeOptimizerStep(StepInfo step) { inner.beforeOptimizerStep(step); }

    @Override
    public void afterOptimizerStep(StepInfo step) { inner.afterOptimizerStep(step); }

    @Override
    public void distribute(dev.loupe.tensor.dist.Communicator comm) { inner.distribute(comm); }

    @Override
    public Map<String, Double> metrics() { return inner.metrics(); }
}
