package dev.loupe.data.idx;

import static dev.loupe.data.idx.IdxTestFiles.gzip;
import static dev.loupe.data.idx.IdxTestFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path dir;

    private static final byte[] PIXELS = {0, 1, 2, (byte) 200, (byte) 255, 7, 8, 9, 10, 11, 12, 13};

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsRawImages() throws IOException {
        IdxFile f = IdxFile.readImages(write("imgs", idx(new int[] {3, 2, 2}, PIXELS)));
        assertEquals("imgs", f.fileName());
        assertArrayEquals(new int[] {3, 2, 2}, f.dimensions());
        assertEquals(3, f.rank());
        assertArrayEquals(PIXELS, f.data());
        assertEquals(200, f.data()[3] & 0xFF);
    }

    @Test
    void gzipIsDetectedByMagicNotName() throws IOException {
        byte[] raw = idx(new int[] {3, 2, 2}, PIXELS);
        IdxFile gz = IdxFile.readImages(write("no-suffix", gzip(raw)));
        IdxFile plain = IdxFile.readImages(write("misnamed.gz", raw));
        assertArrayEquals(PIXELS, gz.data());
        assertArrayEquals(PIXELS, plain.data());
        assertArrayEquals(new int[] {3, 2, 2}, gz.dimensions());
    }

    @Test
    void readsLabels() throws IOException {
        byte[] labels = {9, 0, 3, 5};
        IdxFile f = IdxFile.readLabels(write("labels.gz", gzip(idx(new int[] {4}, labels))));
        assertArrayEquals(labels, f.data());
        assertEquals(4, f.size(0));
    }

    @Test
    void badMagicIsRejected() throws IOException {
        byte[] bytes = idx(new int[] {3, 2, 2}, PIXELS);
        bytes[0] = 0x50;
        Path p = write("images.idx", bytes);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertTrue(
                e.getMessage().startsWith("images.idx: not an IDX file, expected magic 00 00 08 03, found 50 00 08 03"),
                e.getMessage());
    }

    @Test
    void wrongElementTypeIsRejected() throws IOException {
        Path p = write("floats.idx", idx(0x0D, new int[] {3, 2, 2}, PIXELS));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals("floats.idx: expected element type 0x08 (unsigned byte), found 0x0d", e.getMessage());
    }

    @Test
    void wrongRankIsRejected() throws IOException {
        Path p = write("train-labels", idx(new int[] {12}, PIXELS));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals("train-labels: expected 3 dimensions (idx3), header declares 1", e.getMessage());
    }

    @Test
    void nonPositiveDimensionIsRejected() throws IOException {
        Path p = write("zero", idx(new int[] {0, 2, 2}, new byte[0]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals("zero: dimension 0 must be positive, header says 0", e.getMessage());
    }

    @Test
    void truncatedPayloadNamesExpectedAndFound() throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, PIXELS);
        Path p = write("train-images-idx3-ubyte", Arrays.copyOf(full, full.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals(
                "train-images-idx3-ubyte: the header claims 3 images of 2x2 (12 pixel bytes after the 16-byte header),"
                        + " but the file has 23 bytes (truncated download, or another data set's file?)",
                e.getMessage());
    }

    @Test
    void aHeaderClaimingMillionsOfImagesIsCheckedAgainstTheFileBeforeAnyAllocation() throws IOException {
        Path p = write("train-images-idx3-ubyte", idx(new int[] {2_700_000, 28, 28}, PIXELS));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals(
                "train-images-idx3-ubyte: the header claims 2700000 images of 28x28 (2116800000 pixel bytes after the"
                        + " 16-byte header), but the file has 28 bytes (truncated download, or another data set's file?)",
                e.getMessage());
    }

    @Test
    void aGzipHeaderClaimingMillionsOfLabelsReadsOnlyWhatIsThere() throws IOException {
        Path p = write("labels.gz", gzip(idx(new int[] {2_000_000_000}, new byte[] {1, 2, 3})));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readLabels(p));
        assertEquals("labels.gz: expected 2000000000 label bytes [2000000000], file ends after 3", e.getMessage());
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRefused() throws IOException {
        Path raw = write("huge", idx(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, PIXELS));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(raw));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "huge: the header claims 2147483647 images of 2147483647x2147483647 (at least 4294967296"),
                e.getMessage());
        Path gz = write("huge.gz", gzip(idx(new int[] {65536, 65536, 65536}, PIXELS)));
        e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(gz));
        assertEquals(
                "huge.gz: the header claims 65536 images of 65536x65536 (at least 4294967296 pixel bytes), more than one array can hold",
                e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        Path p = write("short", new byte[] {0, 0, 8});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals("short: expected a 4-byte IDX magic number, file ends after 3 bytes", e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, PIXELS);
        Path p = write("long.gz", gzip(Arrays.copyOf(full, full.length + 2)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertEquals("long.gz: expected 12 pixel bytes [3, 2, 2], found 2 more bytes after them", e.getMessage());
    }

    @Test
    void truncatedGzipNamesTheFileAndWhereItBrokeOff() throws IOException {
        byte[] pixels = new byte[4 * 28 * 28];
        new java.util.Random(7).nextBytes(pixels); // incompressible, so cutting the stream cuts the payload
        byte[] gz = gzip(idx(new int[] {4, 28, 28}, pixels));
        Path p = write("train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertTrue(
                e.getMessage()
                        .startsWith("train-images-idx3-ubyte.gz: expected 3136 pixel bytes [4, 28, 28], "
                                + "the gzip stream breaks off"),
                e.getMessage());
        assertTrue(e.getMessage().contains("truncated download?"), e.getMessage());
    }

    @Test
    void corruptGzipTrailerIsRejected() throws IOException {
        byte[] gz = gzip(idx(new int[] {3, 2, 2}, PIXELS));
        gz[gz.length - 8] ^= 0x55; // CRC32 of the trailer
        Path p = write("crc.gz", gz);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.readImages(p));
        assertTrue(e.getMessage().startsWith("crc.gz: the gzip stream is truncated or corrupt"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path p = dir.resolve("absent-idx1-ubyte");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> IdxFile.readLabels(p));
        assertTrue(e.getMessage().startsWith("absent-idx1-ubyte: no such file"), e.getMessage());
    }
}
