package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionalChannelTest {
    @Test
    void readsFromItsOwnPositionAndStopsAtTheEnd(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("f"), new byte[] {10, 11, 12, 13, 14});
        try (PositionalChannel c = new PositionalChannel(FileChannel.open(f, StandardOpenOption.READ))) {
            assertEquals(5, c.size());
            ByteBuffer two = ByteBuffer.allocate(2);
            assertEquals(2, c.read(two));
            assertEquals(2, c.position());
            assertEquals(10, two.get(0));
            c.position(4);
            two.clear();
            assertEquals(1, c.read(two), "a short read at the end");
            assertEquals(14, two.get(0));
            assertEquals(5, c.position());
            c.position(100);
            two.clear();
            assertEquals(-1, c.read(two), "past the end");
            assertEquals(100, c.position());
            assertThrows(NonWritableChannelException.class, () -> c.write(ByteBuffer.allocate(1)));
        }
    }
}
