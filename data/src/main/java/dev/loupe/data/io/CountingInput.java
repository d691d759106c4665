package dev.loupe.data.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that counts the bytes it passes on and remembers whether its source ran dry or failed, so
 * a reader stacked on top can say where a file ended and whose error an IOException is. Mark and
 * reset are not offered (a reset would make the count lie); readers that want them buffer on top.
 */
public final class CountingInput extends FilterInputStream {
    private long count;
    private boolean ended;
    private IOException failure;

    public CountingInput(InputStream source) {
        super(source);
    }

    /** The bytes passed on so far; once {@link #ended}, the length of the source. */
    public long count() {
        return count;
    }

    /** Whether a read found the end of the source. */
    public boolean ended() {
        return ended;
    }

    /** Whether {@code e} is the exception the source threw (rather than one of a reader above). */
    public boolean threw(Throwable e) {
        return e != null && e == failure;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (b < 0) ended = true;
        else count++;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int got;
        try {
            got = in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (got < 0) ended = true;
        else count += got;
        return got;
    }

    /** Skips by reading, so the count and the end stay right whatever the source's skip does. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long done = 0;
        while (done < n) {
            int got = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (got < 0) break;
            done += got;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void mark(int readLimit) {}

    @Override
    public void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
