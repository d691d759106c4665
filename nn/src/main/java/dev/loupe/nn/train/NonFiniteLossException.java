package dev.loupe.nn.train;

import java.nio.file.Path;

/** The loss became NaN or infinite; training stops, the last good checkpoint is untouched. */
public final class NonFiniteLossException extends RuntimeException {
    private final long step;
    private final Path lastCheckpoint;

    /**
     * @param step           0-based optimiser step whose loss was not finite
     * @param loss           the value
     * @param lastCheckpoint the last complete checkpoint, or null when none was written
     */
    public NonFiniteLossException(long step, double loss, Path lastCheckpoint) {
        super("loss is " + loss + " at step " + step + "; training stopped. "
                + (lastCheckpoint == null
                        ? "No checkpoint was written yet."
                        : "Last good checkpoint: " + lastCheckpoint
                                + " (resume from it with a lower learning rate or stronger clipping)."));
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    public long step() {
        return step;
    }

    /** The last complete checkpoint, or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
