package dev.loupe.nn.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A file system with {@code free} bytes left, shared by every channel it wraps: writes go through
 * until the space is used up, the write that crosses the limit stores what fits (as write(2) does),
 * and the next one fails with the operating system's words for a full disk.
 */
final class FullDisk {
    private long free;

    FullDisk(long free) {
        this.free = free;
    }

    WritableByteChannel wrap(WritableByteChannel inner) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                if (src.hasRemaining() && free == 0) throw new IOException("No space left on device");
                int n = (int) Math.min(src.remaining(), free);
                int written = inner.write(src.slice(src.position(), n));
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
        };
    }
}
