package dev.loupe.data.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Image;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private static final int W = 5;
    private static final int H = 3;

    @TempDir
    Path dir;

    /** A 5x3 RGB picture whose every pixel differs: r = 40x + 7, g = 60y + 11, b = 10(x + y) + 3. */
    private static int rgbAt(int x, int y) {
        return ((40 * x + 7) << 16) | ((60 * y + 11) << 8) | (10 * (x + y) + 3);
    }

    private static BufferedImage rgbPicture(int type) {
        BufferedImage img = new BufferedImage(W, H, type);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.setRGB(x, y, rgbAt(x, y));
        return img;
    }

    private static BufferedImage greyPicture() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.getRaster().setSample(x, y, 0, 17 * x + 50 * y);
        return img;
    }

    private byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "ImageIO has a " + format + " writer for this type");
        Path file = dir.resolve("img." + format);
        Files.write(file, out.toByteArray());
        return Files.readAllBytes(file);
    }

    private static void assertRgbPicture(Image image) {
        assertEquals(3, image.channels());
        assertEquals(H, image.height());
        assertEquals(W, image.width());
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = rgbAt(x, y);
                assertEquals(((p >> 16) & 0xFF) / 255f, image.get(0, y, x), 0f, "red at " + x + "," + y);
                assertEquals(((p >> 8) & 0xFF) / 255f, image.get(1, y, x), 0f, "green at " + x + "," + y);
                assertEquals((p & 0xFF) / 255f, image.get(2, y, x), 0f, "blue at " + x + "," + y);
            }
        }
    }

    private static void assertGreyPicture(Image image) {
        assertEquals(1, image.channels());
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) assertEquals((17 * x + 50 * y) / 255f, image.get(0, y, x), 0f);
    }

    @Test
    void pngRgbIsExactInChwOrder() throws IOException {
        assertRgbPicture(ImageDecoder.decode(encode(rgbPicture(BufferedImage.TYPE_INT_RGB), "png"), "rgb.png"));
    }

    @Test
    void bmpRgbIsExact() throws IOException {
        assertRgbPicture(ImageDecoder.decode(encode(rgbPicture(BufferedImage.TYPE_3BYTE_BGR), "bmp"), "rgb.bmp"));
    }

    @Test
    void pngRgbaDropsAlphaWithoutCompositing() throws IOException {
        BufferedImage img = rgbPicture(BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.setRGB(x, y, ((x * 50) << 24) | rgbAt(x, y));
        assertRgbPicture(ImageDecoder.decode(encode(img, "png"), "rgba.png"));
    }

    @Test
    void greyPngAndBmpStayOneChannel() throws IOException {
        assertGreyPicture(ImageDecoder.decode(encode(greyPicture(), "png"), "grey.png"));
        assertGreyPicture(ImageDecoder.decode(encode(greyPicture(), "bmp"), "grey.bmp"));
    }

    @Test
    void sixteenBitGreyIsScaledByItsOwnMaximum() throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) img.getRaster().setSample(x, y, 0, 13_001 * x + 1_000 * y);
        Image image = ImageDecoder.decode(encode(img, "png"), "grey16.png");
        assertEquals(1, image.channels());
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) assertEquals((13_001 * x + 1_000 * y) / 65535f, image.get(0, y, x), 1e-7f);
    }

    @Test
    void colourPaletteBecomesRgb() throws IOException {
        byte[] r = {(byte) 255, 0, 0, (byte) 200};
        byte[] g = {0, (byte) 255, 0, (byte) 100};
        byte[] b = {0, 0, (byte) 255, 50};
        BufferedImage img =
                new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.getRaster().setSample(x, y, 0, (x + y) % 4);
        Image image = ImageDecoder.decode(encode(img, "png"), "palette.png");
        assertEquals(3, image.channels());
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = (x + y) % 4;
                assertEquals((r[i] & 0xFF) / 255f, image.get(0, y, x), 0f);
                assertEquals((g[i] & 0xFF) / 255f, image.get(1, y, x), 0f);
                assertEquals((b[i] & 0xFF) / 255f, image.get(2, y, x), 0f);
            }
        }
    }

    @Test
    void jpegDecodesCloseToTheFlatColourItStores() throws IOException {
        // JPEG is lossy; a flat 16x16 colour survives with at most a few levels of error from YCbCr rounding.
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, (200 << 16) | (80 << 8) | 30);
        Image image = ImageDecoder.decode(encode(img, "jpg"), "flat.jpg");
        assertEquals(3, image.channels());
        assertEquals(200 / 255f, image.get(0, 8, 8), 4 / 255f);
        assertEquals(80 / 255f, image.get(1, 8, 8), 4 / 255f);
        assertEquals(30 / 255f, image.get(2, 8, 8), 4 / 255f);

        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++) grey.getRaster().setSample(x, y, 0, 120);
        Image greyImage = ImageDecoder.decode(encode(grey, "jpg"), "grey.jpg");
        assertEquals(1, greyImage.channels());
        assertEquals(120 / 255f, greyImage.get(0, 4, 4), 2 / 255f);
    }

    @Test
    void corruptBytesNameTheSource() {
        byte[] junk = "definitely not an image".getBytes();
        BadSampleException e =
                assertThrows(BadSampleException.class, () -> ImageDecoder.decode(junk, "shard-3.tar:000042.jpg"));
        assertEquals("shard-3.tar:000042.jpg", e.source());
        assertTrue(e.getMessage().contains("shard-3.tar:000042.jpg"), e.getMessage());
        assertThrows(BadSampleException.class, () -> ImageDecoder.decode(new byte[0], "empty.png"));
    }

    @Test
    void truncatedPngAndJpegAreBadSamples() throws IOException {
        byte[] png = encode(rgbPicture(BufferedImage.TYPE_INT_RGB), "png");
        BadSampleException p = assertThrows(
                BadSampleException.class, () -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2), "cut.png"));
        assertEquals("cut.png", p.source());

        BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) big.setRGB(x, y, (x * 4 << 16) | (y * 4 << 8) | ((x ^ y) * 4));
        byte[] jpg = encode(big, "jpg");
        BadSampleException j = assertThrows(
                BadSampleException.class, () -> ImageDecoder.decode(Arrays.copyOf(jpg, jpg.length / 2), "cut.jpg"));
        assertEquals("cut.jpg", j.source());
    }

    @Test
    void readNamesAMissingFile() {
        Path missing = dir.resolve("nope.png");
        BadSampleException e =
                assertThrows(BadSampleException.class, () -> ImageDecoder.read(missing, ChannelMode.AS_STORED));
        assertEquals(missing.toString(), e.source());
    }

    @Test
    void channelModesConvertWithTorchvisionLuma() throws IOException {
        byte[] png = encode(rgbPicture(BufferedImage.TYPE_INT_RGB), "png");
        Image grey = ImageDecoder.decode(png, "rgb.png", ChannelMode.GREY);
        assertEquals(1, grey.channels());
        int p = rgbAt(3, 2);
        float expected =
                0.2989f * ((p >> 16) & 0xFF) / 255f + 0.587f * ((p >> 8) & 0xFF) / 255f + 0.114f * (p & 0xFF) / 255f;
        assertEquals(expected, grey.get(0, 2, 3), 1e-6f);

        Image rgb = ImageDecoder.decode(encode(greyPicture(), "png"), "grey.png", ChannelMode.RGB);
        assertEquals(3, rgb.channels());
        for (int c = 0; c < 3; c++) assertEquals((17 * 4 + 50 * 2) / 255f, rgb.get(c, 2, 4), 0f);
    }
}
