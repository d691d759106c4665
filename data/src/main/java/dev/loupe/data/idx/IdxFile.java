package dev.loupe.data.idx;

import dev.loupe.data.io.GzipInput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An IDX file of unsigned bytes (the MNIST / Fashion-MNIST format): a 4-byte magic number
 * {@code 00 00 08 n}, n big-endian int32 dimensions, then the product of the dimensions as bytes in
 * row-major order. The file may be gzip-compressed; that is told by its first two bytes (1f 8b), not
 * by its name. Everything is checked: the magic, the element type (0x08, unsigned byte), the rank the
 * caller expects, positive dimensions, and that the payload is exactly as long as the header says.
 *
 * @param fileName   the file's name, used in messages ("train-images-idx3-ubyte.gz")
 * @param dimensions the sizes from the header, outermost first (count, rows, columns for images)
 * @param data       the payload, one unsigned byte per element (read with {@code b & 0xFF}); held
 *                   as given, not copied, since it can be tens of megabytes: callers do not change it
 */
public record IdxFile(String fileName, int[] dimensions, byte[] data) {
    /** The element type byte for unsigned bytes, the only one Fashion-MNIST and MNIST use. */
    public static final int UNSIGNED_BYTE = 0x08;

    /** Element counts stop growing here: larger than any array, and a product that cannot overflow. */
    private static final long SATURATED = 1L << 32;

    public IdxFile {
        dimensions = dimensions.clone();
        long elements = 1;
        for (int d : dimensions) elements *= d;
        if (elements != data.length) {
            throw new IllegalArgumentException(fileName + ": dimensions " + Arrays.toString(dimensions) + " need "
                    + elements + " bytes, got " + data.length);
        }
    }

    /** The number of dimensions (3 for idx3 images, 1 for idx1 labels). */
    public int rank() {
        return dimensions.length;
    }

    /** The size of dimension d. */
    public int size(int d) {
        return dimensions[d];
    }

    @Override
    public int[] dimensions() {
        return dimensions.clone();
    }

    /** Reads an idx3-ubyte image file: (count, rows, columns). */
    public static IdxFile readImages(Path file) {
        return read(file, 3, "pixel");
    }

    /** Reads an idx1-ubyte label file: (count). */
    public static IdxFile readLabels(Path file) {
        return read(file, 1, "label");
    }

    /**
     * Reads an IDX unsigned-byte file of the given rank, raw or gzip-compressed.
     *
     * @param expectedRank the number of dimensions the header must declare
     * @param elementWord  what the elements are, for messages ("pixel", "label")
     * @throws IdxFormatException   when the content is not such a file (message names the file, the
     *                              expectation and what was found)
     * @throws UncheckedIOException when the file cannot be opened or read
     */
    public static IdxFile read(Path file, int expectedRank, String elementWord) {
        String name = file.getFileName().toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            boolean gzip = GzipInput.startsWithMagic(raw);
            InputStream in = gzip ? GzipInput.decompress(raw) : raw;
            return parse(name, in, expectedRank, elementWord, gzip ? -1 : Files.size(file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(name + ": no such file (" + file.toAbsolutePath() + ")", e);
        } catch (GzipInput.CorruptException e) {
            throw new IdxFormatException(
                    name + ": the gzip stream is truncated or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses an uncompressed IDX stream; gzip errors surface as {@link GzipInput.CorruptException}.
     *
     * @param fileBytes the length of the uncompressed file, checked against the header before anything
     *                  is allocated; -1 when unknown (gzip), in which case the payload is read in growing
     *                  pieces, so a header claiming more than the stream holds costs no more memory than
     *                  the stream's real content
     */
    static IdxFile parse(String name, InputStream in, int expectedRank, String elementWord, long fileBytes)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new IdxFormatException(
                    name + ": expected a 4-byte IDX magic number, file ends after " + magic.length + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(
                    name + ": not an IDX file, expected magic 00 00 08 0" + expectedRank + ", found " + hex(magic));
        }
        int dtype = magic[2] & 0xFF;
        if (dtype != UNSIGNED_BYTE) {
            throw new IdxFormatException(
                    name + ": expected element type 0x08 (unsigned byte), found 0x" + String.format("%02x", dtype));
        }
        int rank = magic[3] & 0xFF;
        if (rank != expectedRank) {
            throw new IdxFormatException(name + ": expected " + expectedRank + " dimensions (idx" + expectedRank
                    + "), header declares " + rank);
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new IdxFormatException(
                        name + ": expected " + rank + " dimension sizes in the header, file ends inside size " + d);
            }
            dims[d] = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (dims[d] <= 0) {
                throw new IdxFormatException(name + ": dimension " + d + " must be positive, header says " + dims[d]);
            }
            // saturates instead of overflowing: such a product fails both checks below
            elements = Math.min(elements * dims[d], SATURATED);
        }
        long headerBytes = 4 + 4L * rank;
        if (fileBytes >= 0 && headerBytes + elements != fileBytes) {
            throw new IdxFormatException(name + ": the header claims " + claim(dims, elementWord) + " ("
                    + bytes(elements) + " " + elementWord + " bytes after the " + headerBytes
                    + "-byte header), but the file has "
                    + fileBytes + " bytes"
                    + (headerBytes + elements > fileBytes ? " (truncated download, or another data set's file?)" : ""));
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IdxFormatException(name + ": the header claims " + claim(dims, elementWord) + " ("
                    + bytes(elements) + " " + elementWord + " bytes), more than one array can hold");
        }
        String expected = name + ": expected " + elements + " " + elementWord + " bytes " + Arrays.toString(dims);
        byte[] data;
        try {
            data = fileBytes >= 0 ? in.readNBytes((int) elements) : readInPieces(in, (int) elements);
        } catch (GzipInput.CorruptException e) {
            throw new IdxFormatException(
                    expected + ", the gzip stream breaks off (" + e.getMessage() + "; truncated download?)", e);
        }
        if (data.length < elements) throw new IdxFormatException(expected + ", file ends after " + data.length);
        long extra = 0;
        while (in.read() >= 0) extra++;
        if (extra > 0) throw new IdxFormatException(expected + ", found " + extra + " more bytes after them");
        return new IdxFile(name, dims, data);
    }

    /** "60000 images of 28x28" or "60000 labels". */
    private static String claim(int[] dims, String elementWord) {
        if (dims.length == 1) return dims[0] + " " + elementWord + "s";
        StringBuilder s = new StringBuilder()
                .append(dims[0])
                .append(elementWord.equals("pixel") ? " images" : " items")
                .append(" of ");
        for (int d = 1; d < dims.length; d++) s.append(d > 1 ? "x" : "").append(dims[d]);
        return s.toString();
    }

    private static String bytes(long elements) {
        return elements >= SATURATED ? "at least " + SATURATED : Long.toString(elements);
    }

    /**
     * Up to {@code n} bytes, read into growing pieces: memory follows what the stream really holds,
     * not what its header claims (a gzip's true length is only known once it is read).
     */
    private static byte[] readInPieces(InputStream in, int n) throws IOException {
        byte[] data = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
            int got = in.read(data, filled, data.length - filled);
            if (got < 0) break;
            filled += got;
        }
        return filled == data.length ? data : Arrays.copyOf(data, filled);
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            if (!s.isEmpty()) s.append(' ');
            s.append(String.format("%02x", b & 0xFF));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxFile f
                && f.fileName.equals(fileName)
                && Arrays.equals(f.dimensions, dimensions)
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dimensions) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxFile(" + fileName + ", " + Arrays.toString(dimensions) + ")";
    }
}
