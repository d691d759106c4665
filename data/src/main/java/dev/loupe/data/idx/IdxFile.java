package dev.loupe.data.idx;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

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

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    public IdxFile {
        dimensions = dimensions.clone();
        long elements = 1;
        for (int d : dimensions) elements *= d;
        if (elements != data.length) {
            throw new IllegalArgumentException(fileName + ": dimensions " + Arrays.toString(dimensions)
                    + " need " + elements + " bytes, got " + data.length);
        }
    }

    /** The number of dimensions (3 for idx3 images, 1 for idx1 labels). */
    public int rank() { return dimensions.length; }

    /** The size of dimension d. */
    public int size(int d) { return dimensions[d]; }

    @Override
    public int[] dimensions() { return dimensions.clone(); }

    /** Reads an idx3-ubyte image file: (count, rows, columns). */
    public static IdxFile readImages(Path file) { return read(file, 3, "pixel"); }

    /** Reads an idx1-ubyte label file: (count). */
    public static IdxFile readLabels(Path file) { return read(file, 1, "label"); }

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
        try (InputStream in = open(file)) {
            return parse(name, in, expectedRank, elementWord);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(name + ": no such file (" + file.toAbsolutePath() + ")", e);
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(name + ": the gzip stream is truncated or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Opens the file, decompressing when it starts with the gzip magic 1f 8b. */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }

    /** Parses an uncompressed IDX stream; gzip errors surface as EOFException or ZipException. */
    static IdxFile parse(String name, InputStream in, int expectedRank, String elementWord) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new IdxFormatException(name + ": expected a 4-byte IDX magic number, file ends after " + magic.length + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(name + ": not an IDX file, expected magic 00 00 08 0" + expectedRank
                    + ", found " + hex(magic));
        }
        int dtype = magic[2] & 0xFF;
        if (dtype != UNSIGNED_BYTE) {
            throw new IdxFormatException(name + ": expected element type 0x08 (unsigned byte), found 0x"
                    + String.format("%02x", dtype));
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
                throw new IdxFormatException(name + ": expected " + rank + " dimension sizes in the header, file ends inside size " + d);
            }
            dims[d] = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (dims[d] <= 0) {
                throw new IdxFormatException(name + ": dimension " + d + " must be positive, header says " + dims[d]);
            }
            elements *= dims[d];
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IdxFormatException(name + ": dimensions " + Arrays.toString(dims) + " hold " + elements
                    + " elements, more than one array can");
        }
        String expected = name + ": expected " + elements + " " + elementWord + " bytes " + Arrays.toString(dims);
        byte[] data = new byte[(int) elements];
        int filled = 0;
        try {
            while (filled < data.length) {
                int n = in.read(data, filled, data.length - filled);
                if (n < 0) throw new IdxFormatException(expected + ", file ends after " + filled);
                filled += n;
            }
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(expected + ", the gzip stream breaks off after " + filled
                    + " (" + e.getMessage() + "; truncated download?)", e);
        }
        long extra = 0;
        while (in.read() >= 0) extra++;
        if (extra > 0) throw new IdxFormatException(expected + ", found " + extra + " more bytes after them");
        return new IdxFile(name, dims, data);
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
        return o instanceof IdxFile f && f.fileName.equals(fileName) && Arrays.equals(f.dimensions, dimensions)
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(dimensions) + Arrays.hashCode(data); }

    @Override
    public String toString() { return "IdxFile(" + fileName + ", " + Arrays.toString(dimensions) + ")"; }
}
