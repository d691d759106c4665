package dev.loupe.nn.train;

import java.util.Map;

/**
 * An evaluation the trainer runs at the end of each epoch and every {@link TrainerConfig#evalEvery}
 * steps. The trainer puts the objective's module in eval mode and disables gradients around the call.
 */
@FunctionalInterface
public interface Evaluation {
    /** Named scalars, e.g. {"test_accuracy": 0.87}. */
    Map<String, Double> evaluate(long step, int epoch);
}
