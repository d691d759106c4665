package dev.loupe.tensor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same folder with ordinary
 * channel writes, is forced to disk and then renamed over the target, so a reader (or a crash) sees
 * the old file or the complete new one, never a partial write. Checkpoints, safetensors, .npy,
 * reports and plots all go through here.
 *
 * <p>No memory map is written: a full disk under a map is a SIGBUS that the JVM reports as an
 * InternalError, whereas a channel write fails with an IOException. Every failure (opening, writing,
 * flushing, renaming) removes the temporary file and is thrown as a {@link FileWriteException} that
 * names the target file and the operating system's reason, e.g. "No space left on device while
 * writing runs/a/checkpoints/step-0000120/model.safetensors".
 */
public final class AtomicFile {
    /** Writes the whole content to a channel; a short write is the content's to finish (see {@link #writeFully}). */
    @FunctionalInterface
    public interface Content {
        void writeTo(WritableByteChannel channel) throws IOException;
    }

    /** Writes the whole content to a stream (for encoders such as ImageIO or GZIP that want one). */
    @FunctionalInterface
    public interface StreamContent {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Replaces {@code file} with what {@code content} writes to an output stream. */
    public static void writeStream(Path file, StreamContent content) throws IOException {
        write(file, ch -> {
            // not closed here: closing would close the channel before it is forced to disk
            OutputStream out = Channels.newOutputStream(ch);
            content.writeTo(out);
            out.flush();
        });
    }

    /** Replaces {@code file} with what {@code content} writes to a channel. */
    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // CREATE_NEW on a random name rather than Files.createTempFile, whose 0600 mode the renamed
        // file would keep; this one gets the usual permissions from the umask.
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } catch (FileWriteException e) {
            throw e;
        } catch (IOException e) {
            throw new FileWriteException(file, e);
        } finally {
            if (!moved) deleteQuietly(tmp);
        }
    }

    /** Writes all of {@code b}: a channel may accept fewer bytes than offered. */
    public static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Removes the temporary file; a failure here must not hide the write's own failure. */
    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // the write already failed and is being reported; a stray hidden .tmp file is the lesser harm
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
