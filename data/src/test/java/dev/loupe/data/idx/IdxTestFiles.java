package dev.loupe.data.idx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files in memory for the tests. */
final class IdxTestFiles {
    private IdxTestFiles() {}

    /** An IDX unsigned-byte file: magic 00 00 08 rank, big-endian sizes, then payload. */
    static byte[] idx(int[] dims, byte[] payload) {
        return idx(0x08, dims, payload);
    }

    static byte[] idx(int dtype, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) dtype).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(payload);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** count 28x28 images whose pixel p of image i is (i * 31 + p) mod 256. */
    static byte[] images(int count) {
        byte[] pixels = new byte[count * 28 * 28];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < 28 * 28; p++) pixels[i * 784 + p] = (byte) ((i * 31 + p) % 256);
        }
        return idx(new int[] {count, 28, 28}, pixels);
    }

    /** count labels, label i = (i * 3) mod 10. */
    static byte[] labels(int count) {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) labels[i] = (byte) ((i * 3) % 10);
        return idx(new int[] {count}, labels);
    }
}
