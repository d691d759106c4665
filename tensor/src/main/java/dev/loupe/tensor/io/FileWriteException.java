package dev.loupe.tensor.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A write that failed: the disk is full, the folder is read-only, the device went away. The message
 * is one line a person can act on, {@code "No space left on device while writing runs/a/model.safetensors"}:
 * the operating system's reason and the file that was being written (not the temporary file the
 * bytes went to). {@link AtomicFile} throws it after removing its temporary file, so the previous
 * version of the file is untouched.
 */
public final class FileWriteException extends IOException {
    private final transient Path file;
    private final String reason;

    public FileWriteException(Path file, IOException cause) {
        this(file, reasonOf(cause), cause);
    }

    public FileWriteException(Path file, String reason, IOException cause) {
        super(reason + " while writing " + file, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file that was being written. */
    public Path file() {
        return file;
    }

    /** The operating system's words for what went wrong, such as "No space left on device". */
    public String reason() {
        return reason;
    }

    /**
     * The reason alone, without the file names a {@link FileSystemException} puts in its message
     * (which would name the temporary file rather than the target). The JDK leaves the reason out
     * for the errors it has a class for; those get the operating system's usual words.
     */
    static String reasonOf(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof FileAlreadyExistsException) return "File exists";
        String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return r == null || r.isBlank() ? e.getClass().getSimpleName() : r;
    }
}
