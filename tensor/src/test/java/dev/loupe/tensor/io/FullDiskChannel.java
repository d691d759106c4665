package dev.loupe.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A channel in front of a real one that behaves like a file system with {@code free} bytes left:
 * writes go through until the space is used up, the write that crosses the limit stores what fits
 * (as write(2) does), and the next one fails with the operating system's words for a full disk.
 */
final class FullDiskChannel implements WritableByteChannel {
    private final WritableByteChannel inner;
    private long free;

    FullDiskChannel(WritableByteChannel inner, long free) {
        this.inner = inner;
        this.free = free;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (src.hasRemaining() && free == 0) throw new IOException("No space left on device");
        int n = (int) Math.min(src.remaining(), free);
        ByteBuffer part = src.slice(src.position(), n);
        int written = inner.write(part);
        src.position(src.position() + written);
        free -= written;
        return written;
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
