package dev.loupe.data.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * How this module reads gzip (IDX files, .tar.gz shards): the JDK's decoder, concatenated members read
 * as one stream as gunzip does, buffered. The decoder's complaints about the compressed data arrive as
 * {@link CorruptException}, apart from failures to read the file itself, so readers can tell a
 * truncated download from a disk error.
 *
 * <p>Not commons-compress's GzipCompressorInputStream: when the input ends inside one of its reads it
 * throws away the bytes that read had already inflated, so a truncated file would yield nothing of
 * what it holds, and readers could no longer say how far it got.
 */
public final class GzipInput {
    private static final int BUFFER = 1 << 16;
    private static final int MAGIC_0 = 0x1f;
    private static final int MAGIC_1 = 0x8b;

    /** The compressed data is not gzip, breaks off, or fails its checks (CRC, length). */
    public static final class CorruptException extends IOException {
        CorruptException(IOException decoderError) {
            super(
                    decoderError instanceof EOFException && decoderError.getMessage() == null
                            ? "the compressed data ends early"
                            : decoderError.getMessage(),
                    decoderError);
        }
    }

    private GzipInput() {}

    /** True when the stream starts with the gzip magic 1f 8b; it must support mark and is left where it was. */
    public static boolean startsWithMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == MAGIC_0 && b1 == MAGIC_1;
    }

    /**
     * The decompressed bytes of {@code compressed} (which it closes when closed).
     *
     * @throws CorruptException here or on read when the data is not valid gzip
     */
    public static InputStream decompress(InputStream compressed) throws IOException {
        CountingInput source = new CountingInput(compressed);
        InputStream decoder;
        try {
            decoder = new GZIPInputStream(source, BUFFER);
        } catch (IOException e) {
            throw source.threw(e) ? e : new CorruptException(e);
        }
        return new FilterInputStream(decoder) {
            @Override
            public int read() throws IOException {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw source.threw(e) ? e : new CorruptException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw source.threw(e) ? e : new CorruptException(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return in.skip(n);
                } catch (IOException e) {
                    throw source.threw(e) ? e : new CorruptException(e);
                }
            }
        };
    }
}
