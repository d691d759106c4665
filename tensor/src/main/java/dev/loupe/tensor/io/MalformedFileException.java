package dev.loupe.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file whose contents break its format. The message names the file, the byte offset where the
 * problem was found and what was expected there, so a person can open the file and look.
 */
public final class MalformedFileException extends IOException {
    private final transient Path file;
    private final long offset;

    public MalformedFileException(Path file, long offset, String problem) {
        this(file, offset, problem, null);
    }

    public MalformedFileException(Path file, long offset, String problem, Throwable cause) {
        super(file + ": at byte " + offset + ": " + problem, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file that failed to parse. */
    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
