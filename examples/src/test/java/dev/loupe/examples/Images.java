package dev.loupe.examples;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small PNG folders for the examples' tests. */
final class Images {
    private Images() {}

    /** n grey side x side PNGs, image-0.png .., with pixel (i * 37 + x * 5 + y * 11) % 256. */
    static Path grey(Path dir, int n, int side) throws IOException {
        return write(dir, n, side, BufferedImage.TYPE_BYTE_GRAY);
    }

    /** n RGB side x side PNGs. */
    static Path rgb(Path dir, int n, int side) throws IOException {
        return write(dir, n, side, BufferedImage.TYPE_INT_RGB);
    }

    private static Path write(Path dir, int n, int side, int type) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(side, side, type);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = (i * 37 + x * 5 + y * 11) % 256;
                    img.setRGB(x, y, v << 16 | (255 - v) << 8 | (v * 3) % 256);
                }
            }
            ImageIO.write(img, "png", dir.resolve("image-" + i + ".png").toFile());
        }
        return dir;
    }
}
