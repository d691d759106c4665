package dev.loupe.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class CountingInputTest {
    @Test
    void countsWhatPassesAndNoticesTheEnd() throws IOException {
        CountingInput in = new CountingInput(new ByteArrayInputStream(new byte[1000]));
        assertEquals(0, in.read());
        assertEquals(300, in.read(new byte[300], 0, 300));
        assertEquals(500, in.skip(500));
        assertEquals(801, in.count());
        assertFalse(in.ended());
        assertEquals(199, in.skip(10_000), "skips only what is there");
        assertTrue(in.ended());
        assertEquals(1000, in.count());
        assertFalse(in.markSupported());
    }

    @Test
    void remembersTheSourcesOwnFailure() {
        IOException disk = new IOException("disk");
        CountingInput in = new CountingInput(new InputStream() {
            @Override
            public int read() throws IOException {
                throw disk;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw disk;
            }
        });
        IOException e = assertThrows(IOException.class, () -> in.read(new byte[4], 0, 4));
        assertTrue(in.threw(e));
        assertFalse(in.threw(new IOException("another")));
    }
}
