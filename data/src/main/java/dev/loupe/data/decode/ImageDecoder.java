package dev.loupe.data.decode;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Encoded image bytes (JPEG, PNG, BMP, through javax.imageio) to an {@link Image} in [0, 1], CHW.
 * See {@link BufferedImages} for the channel rules (alpha is dropped). Anything wrong with the bytes
 * becomes a {@link BadSampleException} naming the source: no decoder recognises them, the decoder
 * throws or returns nothing, the decoder warns (a truncated JPEG decodes to grey with only a warning;
 * PIL refuses such files too), or the image has more than {@link #MAX_PIXELS} pixels.
 *
 * <p>Threading: stateless; each call uses its own reader and an in-memory stream (no disk cache).
 */
public final class ImageDecoder {
    /** Larger images are refused as decompression bombs (twice PIL's warning limit, where PIL refuses). */
    public static final long MAX_PIXELS = 178_956_970L;

    private ImageDecoder() {}

    /** Decodes bytes keeping the stored channels (1 for grey, 3 for colour). */
    public static Image decode(byte[] bytes, String source) {
        return decode(bytes, source, ChannelMode.AS_STORED);
    }

    /** Decodes bytes and converts to the channel count mode asks for. */
    public static Image decode(byte[] bytes, String source, ChannelMode mode) {
        if (bytes.length == 0) throw new BadSampleException(source, "empty image file");
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadSampleException(
                        source, "not a JPEG, PNG or BMP image (first bytes " + hexPrefix(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                return mode.apply(BufferedImages.toImage(read(reader, in, source)));
            } finally {
                reader.dispose();
            }
        } catch (BadSampleException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadSampleException(source, "corrupt or unreadable image: " + e, e);
        }
    }

    /** Reads and decodes an image file. */
    public static Image read(Path file, ChannelMode mode) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadSampleException(file.toString(), "image file not found", e);
        } catch (IOException e) {
            throw new BadSampleException(file.toString(), "cannot read image file: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString(), mode);
    }

    private static BufferedImage read(ImageReader reader, ImageInputStream in, String source) throws IOException {
        String format = reader.getFormatName().toUpperCase(Locale.ROOT);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
            throw new BadSampleException(
                    source,
                    format + " image of " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels is larger than the limit of " + MAX_PIXELS + " pixels");
        }
        BufferedImage img = reader.read(0);
        if (img == null) throw new BadSampleException(source, "the " + format + " decoder returned no image");
        if (!warnings.isEmpty())
            throw new BadSampleException(source, "corrupt " + format + " image: " + warnings.getFirst());
        return img;
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) sb.append(String.format("%02x", bytes[i] & 0xFF));
        return sb.toString();
    }
}
