package dev.loupe.nn.optim;

/**
 * Per-iteration value as DINO's cosine_scheduler (also used for weight decay and teacher momentum):
 * a linear warm-up over the first {@code warmupSteps} iterations that, like numpy's linspace, starts
 * at {@code warmupStart} and reaches {@code base} at its last iteration; then a half-cycle cosine from
 * {@code base} (first iteration after warm-up) towards {@code end}, which it would reach at
 * {@code totalSteps}. With epochs E, iterations per epoch n and warm-up epochs W: totalSteps = E n,
 * warmupSteps = W n.
 */
public record CosineSchedule(double base, double end, long totalSteps, long warmupSteps, double warmupStart) {

    public CosineSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(
                    "schedule: need 0 <= warmup (" + warmupSteps + ") <= total (" + totalSteps + ") and total >= 1");
        }
    }

    /** The value at iteration {@code step} (0-based); past the end it stays at {@code end}. */
    public double at(long step) {
        if (step < 0) throw new IllegalArgumentException("schedule: step must be >= 0, got " + step);
        if (step < warmupSteps) {
            // numpy linspace: start + i * ((stop - start) / (num - 1)), the last point exactly stop
            if (step == warmupSteps - 1) return warmupSteps == 1 ? warmupStart : base;
            return warmupStart + step * ((base - warmupStart) / (warmupSteps - 1));
        }
        long span = totalSteps - warmupSteps;
        if (step >= totalSteps || span == 0) return end;
        // DINO's order of operations: pi * i / len(iters)
        double angle = Math.PI * (step - warmupSteps) / span;
        return end + 0.5 * (base - end) * (1 + Math.cos(angle));
    }
}
