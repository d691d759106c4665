package dev.loupe.nn.train;

import dev.loupe.tensor.io.FileWriteException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A checkpoint could not be written (the disk is full, the folder became read-only). The message is
 * one line: {@code "No space left on device while writing runs/a/checkpoints/step-0000120/model.safetensors;
 * the last good checkpoint is runs/a/checkpoints/step-0000100"}. The half-written checkpoint folder
 * has been removed and {@code latest} still names the last good one, so the run resumes from it once
 * there is room again.
 */
public final class CheckpointWriteException extends IOException {
    private final transient Path file;
    private final transient Path lastGood;

    /**
     * @param failure  the failed write, naming the file
     * @param lastGood the newest complete checkpoint folder, or null when none was completed
     */
    public CheckpointWriteException(FileWriteException failure, Path lastGood) {
        super(
                failure.getMessage()
                        + (lastGood == null
                                ? "; no checkpoint of this run was completed yet"
                                : "; the last good checkpoint is " + lastGood),
                failure);
        this.file = failure.file();
        this.lastGood = lastGood;
    }

    /** The file whose write failed. */
    public Path file() {
        return file;
    }

    /** The newest complete checkpoint, which the failure left untouched. */
    public Optional<Path> lastGood() {
        return Optional.ofNullable(lastGood);
    }
}
