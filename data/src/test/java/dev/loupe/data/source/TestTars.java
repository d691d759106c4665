package dev.loupe.data.source;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes tar shards for tests with commons-compress (the writer webdataset users would not use, so the reader is checked independently). */
final class TestTars {
    private TestTars() {}

    /** Member name to content, in insertion order; a String value is written as UTF-8. */
    static Path write(Path file, Map<String, Object> members, int longFileMode) {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = file.toString().endsWith(".gz") ? new GzipCompressorOutputStream(raw) : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(longFileMode);
            for (Map.Entry<String, Object> m : members.entrySet()) {
                byte[] data =
                        m.getValue() instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) m.getValue();
                TarArchiveEntry entry = new TarArchiveEntry(m.getKey());
                entry.setSize(data.length);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Path write(Path file, Map<String, Object> members) {
        return write(file, members, TarArchiveOutputStream.LONGFILE_POSIX);
    }
}
