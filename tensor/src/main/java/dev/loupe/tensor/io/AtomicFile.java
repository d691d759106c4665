package dev.loupe.tensor.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same folder, which is
 * forced to disk and then renamed over the target, so a reader (or a crash) sees the old file or the
 * complete new one, never a partial write. Checkpoints, safetensors and .npy writes all go through here.
 */
public final class AtomicFile {
    /** Writes the whole content to a channel opened for reading and writing. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {}

    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // CREATE_NEW on a random name rather than Files.createTempFile, whose 0600 mode the renamed
        // file would keep; this one gets the usual permissions from the umask.
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes the rename itself durable on POSIX systems. Some platforms (Windows) cannot open a
     * folder as a channel; there the rename is still atomic, only its durability is left to the OS.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // atomicity does not depend on this flush; see the method comment
        }
    }
}
