package dev.loupe.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GzipInputTest {
    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void concatenatedMembersReadAsOneStream() throws IOException {
        byte[] a = random(1000), b = random(70_000);
        byte[] both = Arrays.copyOf(gzip(a), gzip(a).length + gzip(b).length);
        System.arraycopy(gzip(b), 0, both, gzip(a).length, gzip(b).length);
        try (InputStream in = GzipInput.decompress(new ByteArrayInputStream(both))) {
            byte[] expected = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, expected, a.length, b.length);
            assertArrayEquals(expected, in.readAllBytes());
        }
    }

    @Test
    void magicIsReadWithoutMovingTheStream() throws IOException {
        BufferedInputStream gz = new BufferedInputStream(new ByteArrayInputStream(gzip(random(10))));
        assertTrue(GzipInput.startsWithMagic(gz));
        assertEquals(0x1f, gz.read());
        assertFalse(GzipInput.startsWithMagic(new BufferedInputStream(new ByteArrayInputStream(new byte[] {0x1f}))));
    }

    @Test
    void aTruncatedStreamGivesWhatItHoldsThenACorruptException() throws IOException {
        byte[] raw = random(50_000); // incompressible: the cut falls in the middle of the data
        byte[] gz = gzip(raw);
        try (InputStream in = GzipInput.decompress(new ByteArrayInputStream(Arrays.copyOf(gz, gz.length / 2)))) {
            byte[] got = new byte[raw.length];
            int n = 0;
            GzipInput.CorruptException e = null;
            try {
                for (int r; (r = in.read(got, n, got.length - n)) > 0; ) n += r;
            } catch (GzipInput.CorruptException x) {
                e = x;
            }
            assertTrue(e != null, "a cut stream is an error, not an early end");
            assertTrue(n > raw.length / 3, "the bytes before the cut arrive first: " + n);
            assertArrayEquals(Arrays.copyOf(raw, n), Arrays.copyOf(got, n));
        }
    }

    @Test
    void corruptDataIsACorruptExceptionAndDiskErrorsPassThrough() throws IOException {
        byte[] gz = gzip(random(100));
        gz[gz.length - 8] ^= 0x55; // the CRC in the trailer
        assertThrows(GzipInput.CorruptException.class, () -> GzipInput.decompress(new ByteArrayInputStream(gz))
                .readAllBytes());
        assertThrows(
                GzipInput.CorruptException.class,
                () -> GzipInput.decompress(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})));

        IOException disk = new IOException("disk on fire");
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw disk;
            }
        };
        IOException e = assertThrows(IOException.class, () -> GzipInput.decompress(failing));
        assertSame(disk, e);
        assertNotSame(GzipInput.CorruptException.class, e.getClass());
    }
}
