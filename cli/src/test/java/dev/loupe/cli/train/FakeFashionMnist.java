package dev.loupe.cli.train;

import dev.loupe.tensor.Rng;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a tiny Fashion-MNIST in IDX format: 28x28 images whose label is readable from a bright band. */
public final class FakeFashionMnist {
    private FakeFashionMnist() {}

    public static Path write(Path dir, int train, int test) throws IOException {
        Rng rng = new Rng(17);
        split(dir, "train", train, rng);
        split(dir, "t10k", test, rng);
        return dir;
    }

    private static void split(Path dir, String prefix, int n, Rng rng) throws IOException {
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            for (int p = 0; p < 28 * 28; p++) {
                int row = p / 28;
                // class c lights rows 2c .. 2c + 3; noise elsewhere
                int v = row >= 2 * label && row < 2 * label + 4 ? 200 + rng.nextInt(56) : rng.nextInt(60);
                pixels[i * 28 * 28 + p] = (byte) v;
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(0x00000803, new int[] {n, 28, 28}, pixels));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(0x00000801, new int[] {n}, labels));
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) out.writeInt(d);
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
