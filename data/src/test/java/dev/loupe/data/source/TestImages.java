package dev.loupe.data.source;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small encoded test pictures: a flat colour whose red channel carries an id, so a test can tell files apart. */
final class TestImages {
    private TestImages() {}

    /** A w x h RGB picture with red = id, green = 100, blue = 200, encoded as format ("png", "jpg", "bmp"). */
    static byte[] encoded(int id, int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (id << 16) | (100 << 8) | 200);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no ImageIO writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes encoded(id, 4, 3, extension of file) to file, creating folders. */
    static Path write(Path file, int id) {
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, encoded(id, 4, 3, format.equals("jpeg") ? "jpg" : format));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The id written by {@link #encoded}, read back from the red channel (exact for PNG and BMP). */
    static int idOf(dev.loupe.data.Image image) {
        return Math.round(image.get(0, 0, 0) * 255f);
    }
}
