package dev.loupe.examples;

import dev.loupe.tensor.Rng;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST for the tests: Debian's dataset-fashion-mnist where installed, else a small synthetic set in
 * the same IDX files (28x28 images whose class lights rows 2c .. 2c + 3).
 */
final class FashionMnistFiles {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    private FashionMnistFiles() {}

    static Path dir(Path tmp) throws IOException {
        if (Files.isRegularFile(DEBIAN.resolve("train-images-idx3-ubyte.gz"))) return DEBIAN;
        Path dir = Files.createDirectories(tmp.resolve("fashion-mnist"));
        Rng rng = new Rng(17);
        split(dir, "train", 600, rng);
        split(dir, "t10k", 200, rng);
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
                pixels[i * 28 * 28 + p] = (byte) (row >= 2 * label && row < 2 * label + 4 ? 200 + rng.nextInt(56) : rng.nextInt(60));
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
