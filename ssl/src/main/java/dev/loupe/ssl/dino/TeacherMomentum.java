package dev.loupe.ssl.dino;

import dev.loupe.nn.optim.CosineSchedule;

/**
 * DINO's teacher EMA momentum: cosine_scheduler(base, 1, epochs, iterations per epoch) without
 * warm-up, evaluated per optimiser step: base at step 0, rising towards 1 at {@code totalSteps}.
 */
public final class TeacherMomentum {
    private TeacherMomentum() {}

    /** The momentum for step {@code step} of {@code totalSteps}. */
    public static double at(double base, long step, long totalSteps) {
        return new CosineSchedule(base, 1.0, totalSteps, 0, 0).at(step);
    }
}
