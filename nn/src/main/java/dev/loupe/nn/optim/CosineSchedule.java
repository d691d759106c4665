package dev.loupe.nn.optim;

/**
 * Per-iteration value: linear warm-up from {@code warmupStart} to {@code base} over
 * {@code warmupSteps}, then half-cycle cosine from {@code base} to {@code end} at {@code totalSteps}
 * (DINO's cosine_scheduler; also used for weight decay and teacher momentum).
 */
public record CosineSchedule(double base, double end, long totalSteps, long warmupSteps, double warmupStart) {

    public CosineSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("schedule: need 0 <= warmup (" + warmupSteps + ") <= total (" + totalSteps + ") and total >= 1");
        }
    }

    /** The value at iteration {@code step} (0-based); past the end it stays at {@code end}. */
    public double at(long step) {
        if (step < warmupSteps) return warmupStart + (base - warmupStart) * step / warmupSteps;
        long span = totalSteps - warmupSteps;
        if (step >= totalSteps || span == 0) return end;
        double progress = (double) (step - warmupSteps) / span;
        return end + 0.5 * (base - end) * (1 + Math.cos(Math.PI * progress));
    }
}
