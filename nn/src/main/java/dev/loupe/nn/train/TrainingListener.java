package dev.loupe.nn.train;

import java.nio.file.Path;

/** Receives what the trainer does: steps, evaluations, checkpoints, the end of the run. */
public interface TrainingListener {
    /** After every optimiser step. */
    default void onStep(StepMetrics metrics) {}

    /** After an evaluation. */
    default void onEval(EvalMetrics metrics) {}

    /** After a checkpoint is complete (its "latest" pointer written). */
    default void onCheckpoint(long step, Path directory) {}

    /** After the last step (also when training stops with an exception: then {@code completed} is false). */
    default void onEnd(long step, boolean completed) {}
}
